"""The statistics page takes its styles from a static file, not from a style element."""

import pytest
from django.templatetags.static import static
from django.urls import reverse

from .test_views import QUERY, get

pytestmark = pytest.mark.django_db


def test_the_dashboard_links_its_stylesheet_and_carries_no_style_element(client, office):
    response = get(client, office.admin, reverse("operations:dashboard"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert static("operations/operations.css") in html
    assert "<style" not in html
