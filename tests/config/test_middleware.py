"""Wagtail's redirects apply to the public site, not to API or back-office answers."""

import pytest
from wagtail.contrib.redirects.models import Redirect

pytestmark = pytest.mark.django_db


def test_an_editors_redirect_applies_to_an_old_page_address(client):
    Redirect.objects.create(old_path="/de/alte-seite", redirect_link="/de/")
    response = client.get("/de/alte-seite/")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/de/"


def test_an_api_404_stays_a_404_even_with_a_redirect_for_its_path(client):
    Redirect.objects.create(old_path="/api/v1/gibt-es-nicht", redirect_link="/de/")
    response = client.get("/api/v1/gibt-es-nicht")
    assert response.status_code == 404
