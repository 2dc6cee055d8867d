"""Data protection in a real browser: one person of office management proposes the files that
are due, a second one releases them, the person is gone; an access report is downloaded.

Screenshots go to test-artifacts/privacy/, the downloaded report too.
"""

import io

import pytest
from pypdf import PdfReader

from casework.models import Person
from privacy.models import DeletionItem
from search.selectors import search_cases
from tests.browser.journeys import save_shot
from tests.privacy.conftest import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name: str) -> None:
    save_shot(page, artifacts_dir / "privacy", name, height=1800, full_page=True)


def login(page, live_server, username: str) -> None:
    # Password and one-time code through the real pages (tests/accounts/login.py).
    from tests.accounts.login import browser_sign_in

    browser_sign_in(page, live_server.url, username)


def test_proposed_by_one_released_by_another_then_gone(
    live_server, make_page, artifacts_dir, assert_accessible
):
    world = build_world()
    gone = world.gone.person

    # First person: finds who is due and proposes the list.
    first = make_page()
    login(first, live_server, "amt2")
    first.click("nav >> text=Datenschutz")
    first.click("nav >> text=Löschvorschläge")
    first.click("text=Jetzt nach fälligen Akten suchen")
    first.wait_for_selector(".messages li.success")
    first.click("[data-testid=proposals] a")
    first.wait_for_selector("[data-testid=items] tbody tr[data-status]")
    items = first.locator("[data-testid=items] tbody tr")
    assert items.count() == 1
    assert "Zyxwvutsky" in items.first.inner_text()
    assert "Keepwellson" not in first.content()
    shot(first, artifacts_dir, "01-review")
    assert_accessible(first)
    first.click("[data-testid=submit-proposal]")
    first.wait_for_selector("[data-testid=release-blocked]")
    assert first.locator("[data-testid=release]").count() == 0
    shot(first, artifacts_dir, "02-proposed-waits-for-second-person")
    proposal_url = first.url

    # Second person: releases it.
    second = make_page()
    login(second, live_server, "amt3")
    second.goto(proposal_url)
    second.check("#id_confirm")
    shot(second, artifacts_dir, "03-release")
    assert_accessible(second)
    second.click("[data-testid=release]")
    second.wait_for_selector("[data-testid=proposal-status][data-status=done]")
    shot(second, artifacts_dir, "04-deleted")
    assert "Zyxwvutsky" not in second.content()

    assert not Person.objects.filter(pk=gone.pk).exists()
    assert search_cases(user=world.amt3, query="Zyxwvutsky").count() == 0
    assert all(not path.exists() for path in world.gone.files)
    assert DeletionItem.objects.get().status == "deleted"

    second.click("nav >> text=Datenschutz")
    second.click("nav >> text=Löschprotokoll")
    log = second.locator("[data-testid=deletion-log]")
    assert "amt3" in log.inner_text() and "Zyxwvutsky" not in second.content()
    shot(second, artifacts_dir, "05-log")
    assert_accessible(second)


def test_office_management_downloads_an_access_report(
    live_server, make_page, artifacts_dir, assert_accessible
):
    world = build_world()
    page = make_page()
    login(page, live_server, "amt2")
    page.click("nav >> text=Datenschutz")
    page.click("nav >> text=Auskunft (Art. 15)")
    page.fill("#id_q", "Keepwellson")
    page.click("button:has-text('Suchen')")
    page.click("[data-testid=persons] a")
    page.wait_for_selector("[data-testid=report-form]")
    page.select_option("#id_language", "de")
    page.check("input[name=format][value=pdf]")
    shot(page, artifacts_dir, "06-report-form")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.click("[data-testid=download-report]")
    download = download_info.value
    target = artifacts_dir / "privacy" / "auskunft.pdf"
    download.save_as(str(target))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Keepwellson" in text and "Art. 15" in text
    for case in world.keep.cases:
        assert case.file_number in text
    page.reload()
    assert "PDF" in page.locator("table.listing").inner_text()
