"""Appointment services in the applicant's language on the booking pages, in the e-mail and
on the status page; German without a translation, and German in the back office."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from appointments.forms import time_value
from appointments.services import book_slot
from casework.constants import Language
from tests.casework.factories import PersonFactory, WorkflowCaseFactory

from .factories import SlotFactory

pytestmark = pytest.mark.django_db

GERMAN = "Biometrie (Fingerabdrücke, Foto, Unterschrift)"
ENGLISH = "Biometrics (fingerprints, photo, signature)"
UKRAINIAN = "Біометрія (відбитки пальців, фото, підпис)"


@pytest.fixture
def biometrics(biometrics):
    biometrics.name = GERMAN
    biometrics.name_en = ENGLISH
    biometrics.name_uk = UKRAINIAN
    biometrics.save()
    return biometrics


def url(name, lang):
    with translation.override(lang):
        return reverse(f"appointments:{name}")


def _lookup(client, case, lang):
    return client.post(
        url("book", lang),
        {"file_number": case.file_number, "birth_date": case.person.birth_date.isoformat()},
    )


def test_booking_pages_in_english_name_the_service_in_english(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    choose = _lookup(client, checked_case, "en")
    assert choose.status_code == 200
    assert f"Appointment for: {ENGLISH}" in choose.text
    assert GERMAN not in choose.text
    token = choose.context["token"]
    confirmation = client.post(
        url("choose", "en"),
        {
            "token": token,
            "day": timezone.localtime(slot.start).date().isoformat(),
            "time": time_value(slot.start),
            "book": "1",
        },
    )
    assert confirmation.status_code == 200
    assert ENGLISH in confirmation.text and GERMAN not in confirmation.text


def test_booking_pages_in_german_and_untranslated_languages_show_the_german_name(
    client, biometrics, checked_case
):
    SlotFactory(service=biometrics)
    assert GERMAN in _lookup(client, checked_case, "de").text
    assert GERMAN in _lookup(client, checked_case, "ru").text  # no Russian name entered
    assert UKRAINIAN in _lookup(client, checked_case, "uk").text


def test_booking_mail_names_the_service_in_the_applicants_language(
    biometrics, django_capture_on_commit_callbacks
):
    person = PersonFactory(preferred_language=Language.UK)
    case = WorkflowCaseFactory(person=person, checked=True)
    SlotFactory(service=biometrics)
    with django_capture_on_commit_callbacks(execute=True):
        book_slot(case=case, email="olena@example.org")
    (message,) = mail.outbox
    assert UKRAINIAN in message.body and GERMAN not in message.body


def test_status_page_names_the_booked_service_in_the_page_language(
    client, biometrics, checked_case
):
    book_slot(case=checked_case, slot=SlotFactory(service=biometrics))
    data = {
        "file_number": checked_case.file_number,
        "birth_date": checked_case.person.birth_date.isoformat(),
    }
    response = client.post("/uk/status/", data)
    assert UKRAINIAN in response.text and GERMAN not in response.text
    response = client.post("/de/status/", data)
    assert GERMAN in response.text and UKRAINIAN not in response.text


def test_demo_services_are_named_in_every_language():
    import io

    from django.core.management.color import no_style

    from appointments import demo
    from appointments.models import Service

    demo.load(stdout=io.StringIO(), style=no_style())
    services = list(Service.objects.all())
    assert {service.kind for service in services} == set(demo.SERVICE_NAMES)
    for service in services:
        assert service.name_en and service.name_uk and service.name_ru
        assert service.localized_name("uk") != service.name


def test_office_enters_the_service_names_in_the_wagtail_admin(client, biometrics):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    url = reverse("wagtailsnippets_appointments_service:edit", args=[biometrics.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="name_uk"' in form.text and 'name="name_ru"' in form.text
    data = {
        "kind": biometrics.kind,
        "name": GERMAN,
        "name_en": ENGLISH,
        "name_uk": UKRAINIAN,
        "name_ru": "Биометрия",
        "duration_minutes": 20,
        "active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    biometrics.refresh_from_db()
    assert biometrics.localized_name("ru") == "Биометрия"
