"""Public URLs under the language prefix that are not Wagtail pages (search, applicant services)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    path(_("search/"), views.search, name="search"),
    path("termin/", include("appointments.urls")),
    path("", include("applications.urls")),
]
