"""URLs outside the language prefix (health check, sitemap)."""

from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
