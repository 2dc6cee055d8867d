"""The back office's styles come from static files, so the pages need no inline style."""

import pytest
from django.templatetags.static import static
from django.urls import reverse

from .backoffice import build_office
from .factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db


def test_casework_pages_link_the_shared_stylesheet_and_carry_no_style_element(client):
    """Worklists, the case file, the workflow, the access log and the API tokens: the rules
    for their ``cw-`` classes are in ``casework/backoffice.css`` (Wagtail's global admin CSS)."""
    office = build_office()
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.supervisor_a)
    stylesheet = static("casework/backoffice.css")
    for url in (
        reverse("casework:worklist"),
        reverse("casework:case", args=[case.file_number]),
        reverse("casework:workflow"),
        reverse("casework:access_log"),
        reverse("casework:api_tokens"),
        reverse("case_search:index") + "?q=x",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<link rel="stylesheet" href="{stylesheet}">' in html, url
        assert "<style" not in html, url
