"""Public appointment pages, included under the language prefix (e.g. /de/termin/)."""

from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.book, name="book"),
    path("zeit/", views.choose, name="choose"),
    path("warteliste/", views.waiting_list, name="waiting_list"),
    path("absagen/<uuid:reference>/<str:key>/", views.cancel, name="cancel"),
    path("kalender/<uuid:reference>/<str:key>/termin.ics", views.calendar, name="calendar"),
]
