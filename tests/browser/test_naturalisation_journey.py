"""Naturalisation (StAG § 10) as a journey through the real UI, on the demo office.

A holder of a residence title applies online for naturalisation, with the German language
certificate but before the naturalisation test; later sends the test's certificate on the
status page. The caseworker of Einbürgerung/Staatsangehörigkeit sees the documents complete,
records the certificates, finds the requirements met and, because the other state requires its
citizenship to be given up, gives an assurance of naturalisation first; the applicant reads
that on the status page. Once the release is proven the caseworker hands the certificate over
with the declaration of commitment (the workflow has no Service Point step: the Service Point's
worklist never shows the case). The register on the case file then shows the person's records
ended the day before (German from the hand-over, StAG § 16) and no document in force; the
status page says the applicant is German.

Every page is checked with axe (no serious or critical finding) and photographed to
``test-artifacts/journeys/<test>/`` by the ``journey`` fixture.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone
from pypdf import PdfWriter

from tests.accounts.login import browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def title_holder():
    """A demo person whose current status is a residence title issued some time ago (every
    record in force began before today) and who holds a valid passport: whom the online
    application finds again by passport number and date of birth."""
    from casework import selectors
    from casework.constants import RecordKind
    from casework.models import Person, ResidenceRecord

    today = timezone.localdate()
    candidates = (
        Person.objects.filter(passport_valid_until__gt=today + dt.timedelta(days=90))
        .exclude(passport_number="")
        .filter(residence_records__kind=RecordKind.TITLE)
        .order_by("pk")
        .distinct()
    )
    for person in candidates:
        current = selectors.current_record(person)
        in_force = ResidenceRecord.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            person=person,
            superseded_by__isnull=True,
        )
        if (
            current is not None
            and current.kind == RecordKind.TITLE
            and not in_force.filter(valid_from__gte=today).exists()
        ):
            return person
    return None


def sign_in(trip, base: str, username: str, role: str):
    page = trip.open(role)
    browser_sign_in(page, base, username)
    trip.check(page)
    return page


def step(trip, page, name: str) -> None:
    """A workflow step without inputs on the case file."""
    item = page.locator(f"li[data-transition={name}]")
    if item.locator("summary").count():
        item.locator("summary").click()
    item.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    trip.check(page)


def look_up(trip, page, base: str, file_number: str, birth_date: dt.date) -> str:
    page.goto(f"{base}/de/")
    page.locator("header a[href='/de/status/']").first.click()
    trip.check(page)
    page.fill("#id_file_number", file_number)
    page.fill("#id_birth_date", birth_date.isoformat())
    page.click("button:has-text('Stand anzeigen')")
    status = page.locator("[data-testid=case-status]").inner_text()
    trip.check(page)
    return status


def test_a_naturalisation_from_the_application_to_the_certificate(demo_office, journey, tmp_path):
    from casework.models import Person

    base = demo_office.url
    today = timezone.localdate()
    person = title_holder()
    assert person is not None, "the demo register holds no title holder with a valid passport"
    scan = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with scan.open("wb") as handle:
        writer.write(handle)

    # The applicant: the form from the site's navigation, the title holder's own passport.
    applicant = journey.open("applicant")
    applicant.goto(f"{base}/de/")
    journey.check(applicant)
    applicant.locator("header a[href='/de/antrag/']").first.click()
    journey.check(applicant)
    applicant.click("a[href='/de/antrag/naturalisation/']")
    journey.check(applicant)
    applicant.fill("#id_personal-family_name", person.family_name)
    applicant.fill("#id_personal-given_names", person.given_names)
    applicant.fill("#id_personal-birth_date", person.birth_date.isoformat())
    applicant.select_option("#id_personal-nationality", person.nationality)
    applicant.fill("#id_personal-passport_number", person.passport_number)
    applicant.fill("#id_personal-passport_valid_until", person.passport_valid_until.isoformat())
    applicant.fill("#id_personal-street", "Lindenallee 3")
    applicant.fill("#id_personal-postal_code", "40822")
    applicant.fill("#id_personal-town", "Mettmann")
    applicant.fill("#id_personal-email", "einbuergerung@example.org")
    applicant.click("button:has-text('Weiter')")
    journey.check(applicant)
    # One case type on this form: Einbürgerung, already chosen.
    assert applicant.locator("input[name=application-case_type]:checked").count() == 1
    applicant.click("button:has-text('Weiter')")
    journey.check(applicant)

    # Every document but the naturalisation test's certificate (the test is still ahead).
    uploads = applicant.locator("input[type=file]")
    names = uploads.evaluate_all("inputs => inputs.map(input => input.name)")
    assert "documents-doc_language-b1" in names and "documents-doc_naturalisation-test" in names
    for name in names:
        if name != "documents-doc_naturalisation-test":
            applicant.set_input_files(f"input[name='{name}']", str(scan))
    applicant.click("button:has-text('Weiter')")
    journey.check(applicant)
    # No photo step: a naturalisation produces no card.
    assert applicant.locator("#id_photo-photo_source_0").count() == 0
    applicant.check("#id_consent-consent")
    applicant.check("#id_consent-truthful")
    applicant.click("button:has-text('Weiter')")
    journey.check(applicant)
    assert "Einbürgerung" in applicant.inner_text("main")
    applicant.click("button:has-text('Antrag absenden')")
    applicant.wait_for_selector("[data-testid=file-number]")
    journey.check(applicant)
    file_number = applicant.inner_text("[data-testid=file-number]").strip()
    assert "Einbürgerungstest" in applicant.inner_text("main")  # still missing, and the steps
    assert "Fingerabdrücke" not in applicant.inner_text("main")

    # The case belongs to the title holder (found again by passport and birth date).
    assert Person.objects.filter(pk=person.pk, cases__file_number=file_number).exists()

    # Later: the test is passed, its certificate goes in on the status page.
    status = look_up(journey, applicant, base, file_number, person.birth_date)
    assert "Einbürgerungsantrag erhalten" in status, status
    upload = applicant.locator("#send-documents")
    upload.locator("input[type=file]").first.set_input_files(str(scan))
    upload.locator("button[type=submit]").click()
    applicant.wait_for_selector("#documents-sent")
    journey.check(applicant)
    assert "Einbürgerungstest" in applicant.locator("#documents-sent").inner_text()

    # The Service Point has no step in this workflow: its worklist never shows the case.
    counter = sign_in(journey, base, "servicepoint", "service-point")
    counter.goto(f"{base}/admin/cases/")
    journey.check(counter)
    assert file_number not in counter.inner_text("main")

    # The caseworker of Einbürgerung finds the application in the worklist.
    caseworker = sign_in(journey, base, "einbuergerung", "caseworker")
    caseworker.goto(f"{base}/admin/cases/")
    journey.check(caseworker)
    caseworker.get_by_role("link", name=file_number).click()
    caseworker.wait_for_selector("[data-testid=case-state]")
    journey.check(caseworker)
    records = caseworker.locator("[data-panel=residence-records]")
    assert "Aufenthaltstitel" in records.locator("[data-testid=current-status]").inner_text()
    test_row = caseworker.locator("#documents tbody tr", has_text="Einbürgerungstest")
    assert "liegt vor" in test_row.inner_text()

    step(journey, caseworker, "complete_documents")
    assert "Unterlagen vollständig" in caseworker.inner_text("[data-testid=case-state]")
    passed_on = today - dt.timedelta(days=12)
    item = caseworker.locator("li[data-transition=record_certificates]")
    item.locator("summary").click()
    item.locator("select").select_option("B1")
    item.locator("input[type=date]").fill(passed_on.isoformat())
    item.locator("button[type=submit]").click()
    caseworker.wait_for_selector(".messages li.success")
    journey.check(caseworker)
    assert "Sprach- und Testnachweis erfasst" in caseworker.inner_text("[data-testid=case-state]")
    step(journey, caseworker, "check")
    assert "Voraussetzungen erfüllt" in caseworker.inner_text("[data-testid=case-state]")

    # The other state requires its citizenship to be given up: an assurance first.
    item = caseworker.locator("li[data-transition=give_assurance]")
    item.locator("summary").click()
    item.locator("input[type=date]").fill((today + dt.timedelta(days=700)).isoformat())
    item.locator("button[type=submit]").click()
    caseworker.wait_for_selector(".messages li.success")
    journey.check(caseworker)
    assert "Einbürgerungszusicherung" in caseworker.inner_text("[data-testid=case-state]")

    status = look_up(journey, applicant, base, file_number, person.birth_date)
    assert "Einbürgerungszusicherung" in status, status

    # The release is proven: the certificate is handed over with the declaration.
    caseworker.reload()
    journey.check(caseworker)
    hand_over = caseworker.locator("li[data-transition=hand_over]")
    hand_over.locator("summary").click()
    hand_over.locator("input[name$='-collected_by']").fill(
        f"{person.given_names} {person.family_name}"
    )
    hand_over.locator("input[name$='-release_proven']").check()
    hand_over.locator("input[name$='-declaration_signed']").check()
    hand_over.locator("button[type=submit]").click()
    caseworker.wait_for_selector(".messages li.success")
    journey.check(caseworker)
    assert "Einbürgerungsurkunde ausgehändigt" in caseworker.inner_text("[data-testid=case-state]")

    # The register: every record in force ended the day before, none in force now.
    records = caseworker.locator("[data-panel=residence-records]")
    assert "kein gültiges Dokument" in records.locator("[data-testid=current-status]").inner_text()
    yesterday = (today - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    ended = records.locator("[data-record]", has_text=yesterday)
    assert ended.count() >= 1
    ended.first.locator("summary").click()
    assert f"Beendet durch Einbürgerung ({file_number})" in ended.first.inner_text()
    journey.check(caseworker)

    # The applicant reads that the case is closed and that they are German now.
    status = look_up(journey, applicant, base, file_number, person.birth_date)
    assert "Einbürgerungsurkunde wurde ausgehändigt" in status, status
    assert "deutsche Staatsangehörigkeit" in status, status
