from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("antrag/", views.index, name="index"),
    path("antrag/bestaetigung/<str:token>/", views.confirmation, name="confirmation"),
    path("antrag/bestaetigung/<str:token>/quittung.pdf", views.receipt, name="receipt"),
    path("antrag/intern/dokument/<int:pk>/", views.document, name="document"),
    path("antrag/intern/akte/<str:file_number>/", views.case_documents, name="case_documents"),
    path("antrag/<slug:kind>/", views.ApplicationWizard.as_view(), name="apply"),
    path("status/", views.status, name="status"),
    path("status/unterlagen/", views.send_documents, name="send_documents"),
    path("status/stellungnahme/", views.answer_hearing, name="answer_hearing"),
    path("status/bescheid/<str:token>/", views.notice, name="notice"),
]
