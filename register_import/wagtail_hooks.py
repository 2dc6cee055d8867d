"""The register import in the back office (a ViewSet; office management only)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from casework.backoffice import BackOfficeViewSet

from . import services, views


class RegisterImportViewSet(BackOfficeViewSet):
    """Upload a legacy register, follow the import, download its errors, review duplicates
    under ``/admin/register-import/`` (URL names ``register_import:…``)."""

    name = "register_import"
    url_prefix = "register-import"
    icon = "upload"
    menu_icon = "upload"
    menu_label = _("Register import")
    menu_name = "register-import"
    menu_order = 65

    def is_shown(self, request) -> bool:
        return services.may_import_register(request.user)

    def get_urlpatterns(self):
        return [
            path("", views.upload, name="upload"),
            path("<int:pk>/", views.run_detail, name="run"),
            path("<int:pk>/resume/", views.resume, name="resume"),
            path("<int:pk>/errors.csv", views.report_csv, name="report_csv"),
            path("<int:pk>/errors.xlsx", views.report_xlsx, name="report_xlsx"),
            path("duplicates/<int:pk>/", views.decide, name="decide"),
        ]


@hooks.register("register_admin_viewset")
def register_import_viewset():
    return RegisterImportViewSet()
