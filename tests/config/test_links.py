"""Links in e-mails lead to the site's own address, never to the development server."""

import pytest
from django.core import mail
from wagtail.models import Site

from appointments.services import book_slot
from config.links import public_url, site_base_url
from tests.appointments.factories import ServiceFactory, SlotFactory
from tests.casework.factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_site(settings):
    """The office has told Wagtail its address (Settings → Sites)."""
    settings.PUBLIC_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    Site.objects.all().update(is_default_site=False)
    site = Site.objects.first()
    Site.objects.filter(pk=site.pk).update(
        hostname="termine.kreis-mettmann.example", port=443, is_default_site=True
    )
    return site


def test_the_address_comes_from_the_default_wagtail_site(office_site):
    assert site_base_url() == "https://termine.kreis-mettmann.example"
    assert (
        public_url("applications:status", language="uk")
        == "https://termine.kreis-mettmann.example/uk/status/"
    )


def test_a_configured_base_url_wins_over_the_site(office_site, settings):
    settings.PUBLIC_BASE_URL = "https://abh.example.org/"
    assert public_url("/de/termin/") == "https://abh.example.org/de/termin/"


def test_an_unknown_language_falls_back_to_german(office_site):
    assert public_url("applications:status", language="ar").endswith("/de/status/")


def test_the_booking_e_mail_links_to_the_site_not_the_development_server(
    office_site, django_capture_on_commit_callbacks
):
    service = ServiceFactory(kind="biometrics")
    SlotFactory(service=service)
    case = WorkflowCaseFactory(checked=True, person__preferred_language="uk")
    with django_capture_on_commit_callbacks(execute=True):
        result = book_slot(case=case, email="olena@example.org")
    body = mail.outbox[-1].body
    assert "127.0.0.1" not in body
    assert (
        f"https://termine.kreis-mettmann.example/uk/termin/absagen/{result.booking.reference}/"
        in body
    )
