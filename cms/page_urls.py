"""Wagtail's front-end URLs with the page-serving view wrapped in the page cache."""

from django.urls import re_path
from wagtail.urls import serve_pattern
from wagtail.urls import urlpatterns as wagtail_urlpatterns

from . import views

urlpatterns = [
    *(p for p in wagtail_urlpatterns if getattr(p, "name", None) != "wagtail_serve"),
    re_path(serve_pattern, views.serve, name="wagtail_serve"),
]
