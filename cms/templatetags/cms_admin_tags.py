"""Template tags of the Wagtail admin's pages (not the public site)."""

from django import template

from cms import translations

register = template.Library()


@register.inclusion_tag("cms/admin/translation_state.html")
def translation_state(page):
    """A translation behind its German page, or the translations behind a German page."""
    return translations.state_of(page)
