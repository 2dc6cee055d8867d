"""Office-wide facts come from the site setting and appear on every page."""

import pytest
from django.utils import translation

from cms.models import OfficeSettings

pytestmark = pytest.mark.django_db


def test_footer_shows_the_office_settings_and_follows_changes(client, home):
    """Changing the phone number in the settings changes the footer (cache included)."""
    response = client.get("/de/")
    assert response.status_code == 200
    assert "0211 123 456" in response.text
    assert "Ausländerbehörde Testkreis" in response.text

    office = OfficeSettings.objects.get()
    office.phone = "0211 999 000"
    office.towns = "Hilden\nHaan"
    office.save()

    response = client.get("/de/")
    assert "0211 999 000" in response.text
    assert "0211 123 456" not in response.text


def test_contact_block_shows_hours_and_towns_from_settings(client, home):
    """The contact block renders phone hours and the Bürgerbüro towns of the setting."""
    from cms.models import TopicPage

    office = OfficeSettings.objects.get()
    office.phone_hours = (
        '[{"type": "slot", "value": {"weekday": "wed", "opens": "14:00:00", "closes": "15:45:00"}}]'
    )
    office.towns = "Erkrath\nWülfrath"
    office.save()
    page = TopicPage(
        title="Kontakt",
        slug="kontakt",
        body='[{"type": "contact", "value": {"heading": "So erreichen Sie uns",'
        ' "text": "", "show_phone_hours": true, "show_opening_hours": false}}]',
    )
    home.add_child(instance=page)
    page.save_revision().publish()

    html = client.get("/de/kontakt/").text
    assert "So erreichen Sie uns" in html
    assert "Mittwoch" in html
    assert "14:00–15:45" in html
    assert "Wülfrath" in html


def test_payment_methods_list_only_the_accepted_ones():
    """Only the ticked payment methods are listed, as translatable labels."""
    office = OfficeSettings(accepts_girocard=True, accepts_cash=True, accepts_credit_card=False)
    with translation.override("en"):
        assert [str(m) for m in office.payment_methods] == ["girocard (EC card)", "cash"]
