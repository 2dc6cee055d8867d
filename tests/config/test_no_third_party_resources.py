"""Pages of ours load nothing from other hosts: the API docs and staff avatars."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.casework.factories import UserFactory

pytestmark = pytest.mark.django_db


def _resource_urls(html: str) -> list[str]:
    """What the browser loads by itself (scripts, styles, icons, images), not the links."""
    return re.findall(
        r'<(?:img|script|link|iframe|source|video|audio)\b[^>]*?(?:src|href)="([^"]+)"', html
    )


def test_the_api_docs_use_our_own_copy_of_swagger_ui(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = _resource_urls(html)
    assert "/static/ninja/swagger-ui-bundle.js" in urls
    assert not [url for url in urls if url.startswith(("http:", "https:", "//"))]
    for path in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(path), path
    # No validator badge (it would send the schema's address to validator.swagger.io).
    assert '"validatorUrl": null' in html


def test_staff_avatars_do_not_come_from_gravatar(client):
    user = UserFactory(username="technik", email="technik@abh.example.org", is_superuser=True)
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert "gravatar" not in html
    assert not [url for url in _resource_urls(html) if url.startswith(("http:", "https:", "//"))]
