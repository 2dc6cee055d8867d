"""The Wagtail admin works for the demo editors."""

import pytest
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_editor_sees_dashboard_and_can_edit_pages(client, home, editors):
    """The editor reaches the dashboard and the page editor."""
    client.force_login(editors[0])
    assert client.get("/admin/").status_code == 200
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code == 200


def test_moderator_can_edit_office_settings(client, home, editors):
    """The Redaktionsleitung maintains the office-wide settings."""
    client.force_login(editors[1])
    site = Site.objects.get(is_default_site=True)
    response = client.get(f"/admin/settings/cms/officesettings/{site.pk}/")
    assert response.status_code == 200
    assert "Ausländerbehörde Testkreis" in response.text


def test_editor_cannot_edit_office_settings(client, home, editors):
    """Editors write pages but may not change the office's contact data."""
    client.force_login(editors[0])
    site = Site.objects.get(is_default_site=True)
    response = client.get(f"/admin/settings/cms/officesettings/{site.pk}/")
    assert response.status_code in (302, 403)
