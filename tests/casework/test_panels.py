"""Other apps add panels to the case file through the ``casework_case_file_panels`` hook."""

import pytest
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks

from casework import views

from .backoffice import build_office
from .factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


def _html(client, case) -> str:
    response = client.get(reverse("casework:case", args=[case.file_number]))
    assert response.status_code == 200
    return response.content.decode()


def test_without_an_appointments_panel_the_placeholder_stays(client, office, monkeypatch):
    get_hooks = hooks.get_hooks
    monkeypatch.setattr(
        hooks,
        "get_hooks",
        lambda name: [] if name == views.CASE_FILE_PANELS_HOOK else get_hooks(name),
    )
    client.force_login(office.worker_a)
    html = _html(client, WorkflowCaseFactory(case_type=office.type_a))
    assert 'id="appointments-heading"' in html
    assert "data-panel=" not in html


def test_dict_panels_are_rendered_in_order_and_replace_the_placeholder(client, office):
    seen = []

    def panels(request, case):
        seen.append((request.user, case))
        return [
            {
                "name": "second",
                "title": "Second panel",
                "html": format_html("<p>{}</p>", "two"),
                "order": 20,
            },
            {"name": "plain", "title": "Plain", "html": "<b>escaped</b>", "order": 30},
            {
                "name": "appointments",
                "title": "From a template",
                "template": "casework/forbidden.html",
                "context": {"page_title": "rendered-from-template"},
                "order": 10,
            },
            None,
        ]

    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_a)
    with hooks.register_temporarily(views.CASE_FILE_PANELS_HOOK, panels):
        html = _html(client, case)
    assert seen == [(office.worker_a, case)]
    assert html.index('data-panel="appointments"') < html.index('data-panel="second"')
    assert "<p>two</p>" in html and "rendered-from-template" in html
    assert "&lt;b&gt;escaped&lt;/b&gt;" in html
    assert 'id="appointments-heading"' not in html


def test_full_file_only_panels_are_hidden_from_the_service_point(client, office):
    def panels(request, case):
        return {"name": "secret", "title": "Secret", "html": "<p>x</p>", "full_file_only": True}

    case = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    with hooks.register_temporarily(views.CASE_FILE_PANELS_HOOK, panels):
        client.force_login(office.counter)
        assert 'data-panel="secret"' not in _html(client, case)
        client.force_login(office.worker_a)
        assert 'data-panel="secret"' in _html(client, case)


def test_hooks_are_not_asked_about_cases_the_user_may_not_see(client, office):
    called = []
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_b)
    with hooks.register_temporarily(
        views.CASE_FILE_PANELS_HOOK, lambda request, case: called.append(case)
    ):
        response = client.get(reverse("casework:case", args=[case.file_number]))
    assert response.status_code == 404
    assert called == []
