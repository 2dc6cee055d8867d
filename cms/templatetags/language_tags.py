"""Template filters that mark German terms in pages of other languages (config.german_terms)."""

from django import template

from config.german_terms import case_type_label_html, localized_name_html, mark_german

register = template.Library()


@register.filter(is_safe=True)
def german_terms(text):
    """``{{ text|german_terms }}``: German words and legal citations get ``lang="de"``."""
    return mark_german(text)


@register.filter(is_safe=True)
def localized_name(obj):
    """``{{ service|localized_name }}``: the name in the page's language, or the German one
    marked as German."""
    return localized_name_html(obj) if obj is not None else ""


@register.filter(is_safe=True)
def localized_label(case_type):
    """``{{ case_type|localized_label }}``: "§ 24 AufenthG – …" with the citation marked."""
    return case_type_label_html(case_type) if case_type is not None else ""
