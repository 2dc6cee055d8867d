"""The editors' side of the public site in the Wagtail admin: a dashboard panel and the rich
text features that mark a passage's language."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineStyleElementHandler
from wagtail.admin.rich_text.editors.draftail import features as draftail_features
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Revision, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import scheduling, translations
from .constants import CONTENT_LANGUAGES
from .models import NewsPage, PublishingSchedule


class EditorialPanel(Component):
    """Where editors start: the home page in each language, latest news, office settings."""

    name = "cms_editorial"
    template_name = "cms/admin/editorial_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        site = Site.find_for_request(request)
        homes = []
        if site is not None:
            homes = list(
                Page.objects.filter(translation_key=site.root_page.translation_key)
                .select_related("locale")
                .order_by("locale__language_code")
            )
        schedule = PublishingSchedule.objects.filter(pk=1).first()
        overdue = Revision.objects.filter(
            approved_go_live_at__lt=timezone.now() - 2 * scheduling.interval()
        ).count()
        outdated = list(
            translations.outdated_translations()
            .select_related("locale")
            .order_by("-source_changed_at", "locale__language_code")[:20]
        )
        return {
            "outdated_translations": outdated,
            "publishing": schedule,
            "publishing_overdue": overdue,
            "homes": homes,
            "latest_news": NewsPage.objects.select_related("locale").order_by("-date")[:5],
            "settings_url": reverse("wagtailsettings:edit", args=["cms", "officesettings"])
            if request.user.has_perm("cms.change_officesettings")
            else None,
        }


@hooks.register("before_edit_page")
def say_whether_translations_are_outdated(request, page):
    """The editor of a translation says when it fell behind its German page; the editor of a
    German page names its translations that have not caught up (:mod:`cms.translations`)."""
    if request.method != "GET":
        return
    state = translations.state_of(page)
    if state["behind"] is not None:
        source = state["behind"]
        if state["draft_waiting"]:
            text = gettext(
                "This translation is outdated: the German page “%(title)s” changed on "
                "%(when)s. The updated draft saved since then counts once it is published."
            )
        else:
            text = gettext(
                "This translation is outdated: the German page “%(title)s” changed on "
                "%(when)s, after this translation was last published. Take over the change "
                "and publish this page; until then it counts as outdated."
            )
        messages.warning(
            request,
            text
            % {
                "title": source.title,
                "when": formats.date_format(
                    timezone.localtime(source.content_changed_at), "SHORT_DATETIME_FORMAT"
                ),
            },
            buttons=[
                messages.button(
                    reverse("wagtailadmin_pages:edit", args=[source.pk]), gettext("German page")
                )
            ],
        )
    elif state["outdated"]:
        names = ", ".join(str(p.locale.get_display_name()) for p in state["outdated"])
        messages.info(
            request,
            ngettext(
                "This translation still has to take over the latest changes of this page: "
                "%(names)s.",
                "These translations still have to take over the latest changes of this page: "
                "%(names)s.",
                len(state["outdated"]),
            )
            % {"names": names},
        )


# The daily jobs queue scheduled publishing again if its chain of runs broke.
hooks.register("daily_jobs", scheduling.daily_job)


@hooks.register("construct_homepage_panels")
def add_editorial_panel(request, panels):
    if PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change"]):
        panels.append(EditorialPanel())


@hooks.register("register_rich_text_features")
def register_language_features(features):
    """``lang-de``, ``lang-en``, … : mark a passage as written in that language.

    An inline style per language (no entity, so no JavaScript of our own): stored as
    ``<span lang="de">…</span>``, which screen readers read with that language's voice
    (WCAG 3.1.2). The toolbar shows the language code; the editor underlines the passage.
    """
    for code, name in CONTENT_LANGUAGES:
        feature = f"lang-{code}"
        style = f"LANG_{code.upper()}"
        features.register_editor_plugin(
            "draftail",
            feature,
            draftail_features.InlineStyleFeature(
                {
                    "type": style,
                    "label": code.upper(),
                    "description": format_lazy(_("Passage in {language}"), language=name),
                    "style": {"textDecoration": "underline dotted", "textUnderlineOffset": "3px"},
                }
            ),
        )
        features.register_converter_rule(
            "contentstate",
            feature,
            {
                "from_database_format": {f'span[lang="{code}"]': InlineStyleElementHandler(style)},
                "to_database_format": {
                    "style_map": {style: {"element": "span", "props": {"lang": code}}}
                },
            },
        )


@hooks.register("insert_editor_js")
def name_the_rich_text_editors():
    """Draftail's text boxes get the label of their field (cms/static/cms/admin/)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("cms/admin/rich-text-labels.js"))
