"""The back-office search while the search cluster is down: a plain message, no error page.

(The real cluster's faults are tested in tests/search/test_elasticsearch_faults.py; here the
office's search points at an address where no node answers.)
"""

import pytest

from tests.casework.backoffice import build_office, case_with_documents

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_caseworker_sees_that_the_search_is_temporarily_unavailable(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible, settings
):
    office = build_office()
    case = case_with_documents(case_type=office.type_a)
    settings.CASE_SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URL": "http://127.0.0.1:9",  # discard port: nobody answers
            "INDEX": "abh-browser-test",
            "TIMEOUT": 2,
        },
    }
    page = make_page(width=1280, height=900)
    admin_login(page, office.worker_a.username)
    page.goto(f"{live_server.url}/admin/case-search/?q=Schewtschenko")
    message = page.locator("[data-testid=search-unavailable]")
    message.wait_for()
    assert "vorübergehend nicht verfügbar" in message.inner_text()
    assert page.locator("#id_q").input_value() == "Schewtschenko"  # the query is kept
    folder = artifacts_dir / "search"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / "search-unavailable.png"), full_page=True)
    assert_accessible(page)
    # Case work goes on: the case file opens as usual.
    page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    page.wait_for_selector("[data-testid=case-state]")
