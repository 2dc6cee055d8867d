"""The applicant's path in a real browser: apply with uploads, get the file number, look it up.

Screenshots of each step go to test-artifacts/applications/; axe-core checks every page.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from casework.constants import CaseCategory
from casework.models import Case, RequiredDocument
from tests.casework.factories import CaseTypeFactory, DepartmentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "applications"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


LOCALES = {"de": "de-DE", "uk": "uk-UA", "en": "en-GB", "ru": "ru-RU"}


@pytest.fixture
def browser_page(request):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            viewport={"width": 1100, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        yield page
        context.close()
        browser.close()


@pytest.fixture
def catalogue():
    department = DepartmentFactory(code="aufenthalt", name="Aufenthalt/Anerkennung")
    types = [
        CaseTypeFactory(code="18b", legal_basis="§ 18b AufenthG", department=department),
        CaseTypeFactory(
            code="24",
            name="Vorübergehender Schutz",
            name_uk="Тимчасовий захист",
            legal_basis="§ 24 AufenthG",
            category=CaseCategory.HUMANITARIAN,
            department=department,
        ),
    ]
    for case_type in types:
        RequiredDocument.objects.create(
            case_type=case_type, code="passport", name="Reisepass (alle Seiten)", sort_order=1
        )
        RequiredDocument.objects.create(
            case_type=case_type, code="registration", name="Meldebescheinigung", sort_order=2
        )
        RequiredDocument.objects.create(
            case_type=case_type,
            code="income",
            name="Nachweis des Einkommens",
            name_uk="Підтвердження доходу",
            sort_order=3,
        )
    return types


@pytest.fixture
def files(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    pdf = tmp_path / "reisepass.pdf"
    with pdf.open("wb") as handle:
        writer.write(handle)
    png = tmp_path / "meldebescheinigung.png"
    Image.new("RGB", (300, 200), (240, 240, 240)).save(png)
    fake = tmp_path / "einkommen.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is a program, not a PDF")
    return {"pdf": pdf, "png": png, "fake": fake}


def check_accessibility(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    assert not serious, (name, [(v["id"], v["help"], v["nodes"][0]["target"]) for v in serious])


def shot(page, language: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{language}-{name}.png"), full_page=True)
    check_accessibility(page, f"{language}-{name}")


@pytest.mark.parametrize(
    ("language", "kind", "texts"),
    [
        (
            "de",
            "employment",
            {
                "continue": "Weiter",
                "send": "Antrag absenden",
                "received": "Vielen Dank, wir haben Ihren Antrag erhalten",
                "in_time": "Rechtzeitig eingegangen",
                "wrong_type": "keine PDF-, JPEG- oder PNG-Datei",
                "state": "Wir haben Ihren Antrag erhalten",
                "show": "Stand anzeigen",
                "case_type": "§ 18b AufenthG – Aufenthaltserlaubnis zur Beschäftigung",
                "missing": "Nachweis des Einkommens",
                "add_member": "Familienmitglied hinzufügen",
            },
        ),
        (
            "uk",
            "ukraine",
            {
                "continue": "Далі",
                "send": "Надіслати заяву",
                "received": "Дякуємо, ми отримали вашу заяву",
                "in_time": "Отримано вчасно",
                "wrong_type": "не є файлом PDF, JPEG або PNG",
                "state": "Ми отримали вашу заяву",
                "show": "Показати стан",
                # Names of case types and documents in Ukrainian where the office gave them.
                "case_type": "§ 24 AufenthG – Тимчасовий захист",
                "missing": "Підтвердження доходу",
                "add_member": "Додати члена сім’ї",
            },
        ),
    ],
)
def test_apply_with_uploads_and_look_the_case_up(
    live_server, browser_page, catalogue, files, language, kind, texts
):
    page = browser_page
    page.goto(f"{live_server.url}/{language}/antrag/")
    shot(page, language, "01-overview")
    page.click(f"a[href='/{language}/antrag/{kind}/']")

    # Step 1: personal data, first with an error (passport expired; § 24: ID card without
    # its number).
    expired = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    protection = kind == "ukraine"
    page.fill("#id_personal-family_name", "SHEVCHENKO")
    page.fill("#id_personal-given_names", "OLENA")
    page.fill("#id_personal-family_name_native", "Шевченко")
    page.fill("#id_personal-given_names_native", "Олена")
    page.fill("#id_personal-birth_date", "1990-05-17")
    page.select_option("#id_personal-nationality", "UKR")
    if protection:
        page.check("#id_personal-id_document_1")  # no passport, but an ID card
    else:
        page.fill("#id_personal-passport_number", "FA123456")
    page.fill("#id_personal-passport_valid_until", expired)
    page.fill("#id_personal-street", "Hauptstraße 1")
    page.fill("#id_personal-postal_code", "40822")
    page.fill("#id_personal-town", "Mettmann")
    page.fill("#id_personal-email", "olena@example.org")
    page.click(f"button:has-text('{texts['continue']}')")
    assert page.locator(".error-summary").is_visible()
    shot(page, language, "02-personal-error")
    if protection:
        page.fill("#id_personal-passport_number", "001234567")  # an expired ID card is fine
    else:
        valid = (timezone.localdate() + dt.timedelta(days=900)).isoformat()
        page.fill("#id_personal-passport_valid_until", valid)
    shot(page, language, "03-personal")
    page.click(f"button:has-text('{texts['continue']}')")

    # Step 2: the application; an extension filed in time (§ 24 has none: ordinances
    # continue those titles).
    # The label may wrap at the narrow column; compare the words, not the line breaks.
    assert texts["case_type"] in " ".join(page.inner_text("#id_application-case_type").split())
    page.check("#id_application-case_type_0")
    if protection:
        assert not page.locator("#id_application-is_extension_1").count()
        assert page.locator("#no-extension-needed").is_visible()
    else:
        page.check("#id_application-is_extension_1")
        expires = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
        page.fill("#id_application-title_expires_on", expires)
    page.fill("#id_application-current_title", "Aufenthaltserlaubnis")
    shot(page, language, "04-application")
    page.press("#id_application-current_title", "Enter")  # Enter continues, it does not go back

    if protection:
        # The family step: a child with a birth certificate.
        page.wait_for_selector("#no-family")
        page.click(f"button:has-text('{texts['add_member']}')")
        page.select_option("#id_family-0-relation", "child")
        page.fill("#id_family-0-family_name", "SHEVCHENKO")
        page.fill("#id_family-0-given_names", "DARYNA")
        page.fill("#id_family-0-birth_date", "2019-08-01")
        page.select_option("#id_family-0-id_document", "birth_certificate")
        page.set_input_files("#id_family-0-document", str(files["pdf"]))
        shot(page, language, "04b-family")
        page.click(f"button:has-text('{texts['continue']}')")
    page.wait_for_selector("#id_documents-doc_passport")

    # Step 3: documents; a program named .pdf is refused, then real files are accepted.
    page.set_input_files("#id_documents-doc_passport", str(files["pdf"]))
    page.set_input_files("#id_documents-doc_registration", str(files["png"]))
    page.set_input_files("#id_documents-doc_income", str(files["fake"]))
    page.click(f"button:has-text('{texts['continue']}')")
    assert texts["wrong_type"] in page.locator(".error-summary").inner_text()
    shot(page, language, "05-documents-error")
    page.set_input_files("#id_documents-doc_passport", str(files["pdf"]))
    page.set_input_files("#id_documents-doc_registration", str(files["png"]))
    shot(page, language, "06-documents")
    page.click(f"button:has-text('{texts['continue']}')")

    # Step 4: photo code; step 5: consent.
    page.check("#id_photo-photo_source_0")
    page.fill("#id_photo-photo_reference", "DM-2026-ABCD-1234")
    shot(page, language, "07-photo")
    page.click(f"button:has-text('{texts['continue']}')")
    page.check("#id_consent-consent")
    page.check("#id_consent-truthful")
    shot(page, language, "08-consent")
    page.click(f"button:has-text('{texts['continue']}')")

    # Step 6: summary, then send.
    assert "SHEVCHENKO" in page.inner_text("main")
    shot(page, language, "09-summary")
    page.dblclick(f"button:has-text('{texts['send']}')")  # an impatient double click
    page.wait_for_selector("[data-testid=file-number]")
    assert texts["received"] in page.inner_text("h1")
    if protection:
        assert "DARYNA" in page.locator("[data-testid=family-cases]").inner_text()
    else:
        assert page.locator("[data-testid=in-time]").inner_text().startswith(texts["in_time"])
    file_number = page.inner_text("[data-testid=file-number]").strip()
    shot(page, language, "10-confirmation")
    case = Case.objects.get(file_number=file_number)
    if protection:
        (child,) = case.family_cases.all()
        assert child.family_relation == "child" and child.person.given_names == "DARYNA"
    assert set(case.documents.filter(received=True).values_list("code", flat=True)) == {
        "passport",
        "registration",
    }

    # Reloading the confirmation does not create a second case.
    page.reload()
    assert Case.objects.count() == (2 if protection else 1)

    with page.expect_download() as download_info:
        page.click("a[href$='quittung.pdf']")
    receipt = download_info.value.path()
    assert Path(receipt).read_bytes().startswith(b"%PDF")
    (ARTIFACTS / f"{language}-receipt.pdf").write_bytes(Path(receipt).read_bytes())

    # Where is my case?
    page.goto(f"{live_server.url}/{language}/status/")
    page.fill("#id_file_number", file_number.lower())
    page.fill("#id_birth_date", "1990-05-17")
    page.click(f"button:has-text('{texts['show']}')")
    status = page.locator("[data-testid=case-status]")
    assert texts["state"] in status.inner_text()
    assert texts["missing"] in page.locator("[data-testid=missing-documents]").inner_text()
    assert "SHEVCHENKO" not in page.inner_text("main")
    shot(page, language, "11-status")

    # A wrong birth date looks exactly like an unknown file number.
    page.fill("#id_file_number", file_number)
    page.fill("#id_birth_date", "1990-05-18")
    page.click(f"button:has-text('{texts['show']}')")
    assert page.locator("[data-testid=not-found]").is_visible()
    shot(page, language, "12-status-not-found")


@pytest.mark.parametrize("width", [1280, 320])
def test_switching_the_language_mid_application_keeps_everything(
    live_server, make_page, catalogue, width
):
    """German first step sent, half of the second typed, then Ukrainian from the header: the
    second step comes back in Ukrainian as it was left, and the first step is still there."""
    page = make_page(width=width)
    page.goto(f"{live_server.url}/de/antrag/employment/")
    valid = (timezone.localdate() + dt.timedelta(days=900)).isoformat()
    for field, value in {
        "family_name": "KOVALENKO",
        "given_names": "IRYNA",
        "birth_date": "1985-03-02",
        "passport_number": "FB765432",
        "passport_valid_until": valid,
        "street": "Mittelstraße 5",
        "postal_code": "40721",
        "town": "Hilden",
        "email": "iryna@example.org",
    }.items():
        page.fill(f"#id_personal-{field}", value)
    page.select_option("#id_personal-nationality", "UKR")
    page.click("button:has-text('Weiter')")
    page.check("#id_application-case_type_0")
    page.check("#id_application-is_extension_1")
    page.fill("#id_application-current_title", "Aufenthaltserlaubnis § 18b")

    page.click(".lang-switch a[hreflang='uk']")
    page.wait_for_url(f"{live_server.url}/uk/antrag/employment/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("#resumed").is_visible()
    assert page.input_value("#id_application-current_title") == "Aufenthaltserlaubnis § 18b"
    assert page.is_checked("#id_application-is_extension_1")
    assert not page.locator("#error-summary").count(), "no complaints before continuing"
    shot(page, "uk", f"20-language-switched-{width}")

    page.click("button:has-text('Назад')")
    assert page.input_value("#id_personal-family_name") == "KOVALENKO"
    assert page.input_value("#id_personal-town") == "Hilden"
    shot(page, "uk", f"21-language-switched-first-step-{width}")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_status_page_takes_the_requested_documents(live_server, make_page, files, width):
    """A caseworker asked for the pay slips: the applicant sends them from the status page
    (or sees where to post them), and the case file has them."""
    from wagtail.models import Site

    from casework.models import CaseDocument
    from cms.models import OfficeSettings
    from tests.casework.factories import WorkflowCaseFactory

    OfficeSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "office_name": "Ausländerbehörde Kreis Mettmann",
            "street": "Düsseldorfer Straße 26",
            "postcode": "40822",
            "city": "Mettmann",
            "phone": "02104 99 0000",
        },
    )
    case = WorkflowCaseFactory(
        documents_requested=True,
        person__birth_date=dt.date(1985, 3, 9),
        documents=[
            ("income", "Gehaltsnachweise der letzten drei Monate"),
            ("tenancy", "Mietvertrag"),
        ],
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    page = make_page(width=width)
    page.goto(f"{live_server.url}/uk/status/")
    page.fill("#id_file_number", case.file_number)
    page.fill("#id_birth_date", "1985-03-09")
    page.click("button:has-text('Показати стан')")
    assert "Düsseldorfer Straße 26" in page.locator("[data-testid=office-address]").inner_text()
    shot(page, "uk", f"30-status-send-documents-{width}")
    page.set_input_files("#id_doc_income", str(files["pdf"]))
    page.click("button:has-text('Надіслати документи')")
    assert page.locator("#documents-sent").is_visible()
    assert "Mietvertrag" in page.locator("[data-testid=missing-documents]").inner_text()
    shot(page, "uk", f"31-status-documents-sent-{width}")
    income = CaseDocument.objects.get(case=case, code="income")
    assert income.received and income.file
