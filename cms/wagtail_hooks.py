"""The editors' side of the public site in the Wagtail admin: a dashboard panel."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import NewsPage


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
        return {
            "homes": homes,
            "latest_news": NewsPage.objects.select_related("locale").order_by("-date")[:5],
            "settings_url": reverse("wagtailsettings:edit", args=["cms", "officesettings"])
            if request.user.has_perm("cms.change_officesettings")
            else None,
        }


@hooks.register("construct_homepage_panels")
def add_editorial_panel(request, panels):
    if PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change"]):
        panels.append(EditorialPanel())
