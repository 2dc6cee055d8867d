"""Documents handed to applicants are tagged PDF (PDF/UA-1): structure tree, language, title,
embedded fonts. The ``pdfua`` tests run veraPDF on them (``make pdf-check``); the others check
the structure with pypdf in every test run."""

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from wagtail.models import Site

from casework.constants import NoticeKind
from cms.models import OfficeSettings
from operations import services
from operations.constants import LetterKind
from operations.letters import TemplateSet, render_letters_pdf
from operations.models import ContinuationItem, ContinuationOrdinance
from tests.casework.factories import (
    CaseTypeFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


@pytest.fixture
def office(db):
    OfficeSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "office_name": "Ausländerbehörde Kreis Mettmann (Demo)",
            "street": "Musterstraße 1",
            "postcode": "40822",
            "city": "Mettmann",
            "phone": "02104 99 0000",
            "email": "auslaenderbehoerde@example.org",
        },
    )


@pytest.fixture
def documents(office) -> dict[str, bytes]:
    """Each kind of document the office hands to applicants, rendered from real data."""
    holder = PersonFactory(
        family_name="Шевченко",
        given_names="Олена",
        preferred_language="uk",
        street="Lindenweg 5",
        postal_code="40822",
        town="Mettmann",
    )
    ukraine = WorkflowCaseFactory(
        person=holder,
        case_type=CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG"),
        handed_over=True,
    )
    chancen = WorkflowCaseFactory(
        person=PersonFactory(family_name="Haddad", given_names="Rami", preferred_language="ru"),
        case_type=CaseTypeFactory(chancen=True),
        produced=True,
    )
    ordinance = ContinuationOrdinance.objects.create(
        case_type=ukraine.case_type,
        cut_off_on=dt.date(2025, 2, 1),
        valid_until=dt.date(2027, 3, 4),
        reference="Fortgeltungsverordnung",
    )
    item = ContinuationItem.objects.create(
        ordinance=ordinance,
        case=ukraine,
        previous_valid_until=dt.date(2025, 3, 4),
        language="uk",
        done_at=dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC),
    )
    templates = TemplateSet()
    reminder = templates.letter(
        LetterKind.TITLE_REMINDER,
        ["uk"],
        {"person": holder, "case": ukraine, "expires_on": dt.date(2027, 3, 4)},
        person=holder,
    )
    from operations.letters import render_tagged_letter_pdf

    return {
        "receipt-letter": services.receipt_pdf(chancen),
        "certificate": services.certificate_pdf(item),
        "belehrung": services.belehrung_pdf(chancen),
        "reminder": render_tagged_letter_pdf(reminder),
    }


@pytest.fixture
def extra_documents(office) -> dict[str, bytes]:
    """Documents of other apps checked along: the online application's receipt, in German
    and in Ukrainian with its German part (a family member, documents received and missing)."""
    from django.utils import translation

    from applications.models import Submission
    from applications.receipt import render_receipt

    case_type = CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG")
    case = WorkflowCaseFactory(
        person=PersonFactory(
            family_name="SHEVCHENKO",
            given_names="OLENA",
            family_name_native="Шевченко",
            given_names_native="Олена",
        ),
        case_type=case_type,
        documents=[("passport", "Reisepass", True), ("photo", "Biometrisches Lichtbild")],
    )
    WorkflowCaseFactory(
        person=PersonFactory(family_name="SHEVCHENKO", given_names="DARYNA"),
        case_type=case_type,
        filed_with=case,
        family_relation="child",
    )
    submission = Submission.objects.create(
        token="receipt-check", kind="ukraine", case=case, email="o@example.org", language="uk"
    )
    receipts = {}
    for language in ("de", "uk"):
        with translation.override(language):
            receipts[f"receipt-online-{language}"] = render_receipt(submission)
    receipts["refusal-notice"] = _notice_pdf(case, NoticeKind.REFUSAL)
    receipts["grant-notice"] = _notice_pdf(case, NoticeKind.GRANT)
    receipts["fiktion-certificate"] = _notice_pdf(case, NoticeKind.FIKTION)
    return receipts


def _notice_pdf(case, kind: str) -> bytes:
    """A notice as it is issued (its text from the templates with the office's instructions
    on legal remedies), rendered without going through the decision."""
    from django.utils import timezone

    from casework.models import Notice
    from operations.notices import notice_pdf, notice_text

    case.person.preferred_language = "uk"
    context = {
        "reason": "Der Lebensunterhalt ist nicht gesichert (§ 5 Abs. 1 Nr. 1 AufenthG).",
        "grounds": "Der Lebensunterhalt ist nicht gesichert.",
        "hearing_on": dt.date(2026, 11, 2),
        "due_on": dt.date(2026, 11, 20),
        "answered_on": dt.date(2026, 11, 12),
        "valid_until": dt.date(2027, 3, 1),
        "title_expires_on": dt.date(2026, 11, 30),
        "current_title": "§ 18b AufenthG",
    }
    sections = notice_text(case=case, kind=kind, context=context)
    return notice_pdf(
        notice=Notice(case=case, kind=kind, sections=sections, issued_at=timezone.now())
    )


def structure(pdf: bytes) -> dict:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            if "/DescendantFonts" in descriptor:
                descriptor = descriptor["/DescendantFonts"][0].get_object()
            fonts.append(descriptor["/FontDescriptor"].get_object())
    return {
        "reader": reader,
        "root": root,
        "xmp": root["/Metadata"].get_object().get_data().decode(),
        "fonts": fonts,
    }


@pytest.mark.django_db
def test_documents_for_applicants_are_tagged(documents, extra_documents):
    for name, pdf in {**documents, **extra_documents}.items():
        info = structure(pdf)
        root = info["root"]
        assert "/StructTreeRoot" in root, name
        assert bool(root["/MarkInfo"]["/Marked"]), name
        assert root["/Lang"], name
        assert root["/ViewerPreferences"]["/DisplayDocTitle"], name
        assert info["reader"].metadata.title, name
        assert "pdfuaid" in info["xmp"], name
        for font in info["fonts"]:
            assert any(key in font for key in ("/FontFile", "/FontFile2", "/FontFile3")), name


@pytest.mark.django_db
def test_each_part_is_tagged_with_its_language(documents):
    """The certificate is German with the holder's Ukrainian translation: both marked."""
    info = structure(documents["certificate"])
    assert info["root"]["/Lang"] == "de"
    languages = set()

    def walk(node):
        node = node.get_object()
        if "/Lang" in node:
            languages.add(str(node["/Lang"]))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid)

    walk(info["root"]["/StructTreeRoot"])
    assert "uk" in languages
    text = info["reader"].pages[0].extract_text()
    assert "{#" not in text and "{%" not in text  # no template syntax leaks into the letter
    assert "Bescheinigung über die Fortgeltung" in text
    assert "Олена Шевченко" in text


def _elements(node, found: list) -> list:
    """Every structure element below ``node`` as (type, language, alt), in reading order."""
    node = node.get_object()
    if "/S" in node:
        found.append((str(node["/S"]), str(node.get("/Lang", "")), str(node.get("/Alt", ""))))
    kids = node.get("/K")
    for kid in [] if kids is None else kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            _elements(kid, found)
    return found


@pytest.mark.django_db
def test_the_online_receipt_is_tagged_with_its_parts_languages_and_the_qr_codes_alt_text(
    extra_documents,
):
    """Ukrainian first, then the German part (for employers) on a page of its own, tagged de."""
    info = structure(extra_documents["receipt-online-uk"])
    assert info["root"]["/Lang"] == "uk"
    elements = _elements(info["root"]["/StructTreeRoot"], [])
    kinds = [kind for kind, _lang, _alt in elements]
    assert kinds.count("/Sect") == 1 and kinds.count("/Art") == 1
    assert kinds.index("/Sect") < kinds.index("/Art")
    assert [lang for kind, lang, _alt in elements if kind == "/Art"] == ["de"]
    assert kinds.count("/H1") == 2 and "/L" in kinds
    alts = [alt for kind, _lang, alt in elements if kind == "/Figure"]
    assert len(alts) == 2 and all("ABH-" in alt for alt in alts)
    ukrainian, german = (page.extract_text() for page in info["reader"].pages)
    assert "Шевченко Олена" in ukrainian and "Reisepass" in german
    assert "Eingangsbestätigung" in german and "Biometrisches Lichtbild" in german
    assert "Jobcenter" in german
    only_german = structure(extra_documents["receipt-online-de"])
    assert only_german["root"]["/Lang"] == "de"
    assert len(only_german["reader"].pages) == 1


@pytest.mark.django_db
def test_title_is_the_documents_subject(documents):
    reader = PdfReader(io.BytesIO(documents["belehrung"]))
    assert reader.metadata.title != "Ausländerbehörde Kreis Mettmann (Demo)"
    assert "104c" in reader.metadata.title


@pytest.mark.django_db
def test_print_runs_stay_untagged_reportlab(office):
    """Thousands of certificates posted on paper: reportlab, milliseconds per letter."""
    holder = PersonFactory(preferred_language="de")
    letter = TemplateSet().letter(
        LetterKind.RECEIPT, ["de"], {"person": holder, "case": None}, person=holder
    )
    pdf = render_letters_pdf([letter])
    assert b"ReportLab" in pdf
    assert "/StructTreeRoot" not in PdfReader(io.BytesIO(pdf)).trailer["/Root"]


@pytest.mark.pdfua
@pytest.mark.django_db
def test_documents_pass_the_pdfua_checker(documents, extra_documents):
    """veraPDF (PDF/UA-1 profile) finds no failed rule in any document handed to applicants."""
    classpath = os.environ.get("VERAPDF_CLASSPATH", "")
    if not classpath or not Path(classpath).exists():
        pytest.skip("VERAPDF_CLASSPATH not set: run `make pdf-check`")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, pdf in {**documents, **extra_documents}.items():
        path = ARTIFACTS / f"{name}.pdf"
        path.write_bytes(pdf)
        paths.append(str(path))
    java = shutil.which("java")
    assert java, "veraPDF needs a Java runtime"
    result = subprocess.run(  # noqa: S603 - fixed program, our own files
        [
            java,
            "-cp",
            Path(classpath).read_text().strip(),
            "org.verapdf.apps.GreenfieldCliWrapper",
            "--flavour",
            "ua1",
            "--format",
            "text",
            *paths,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(result.stdout)  # noqa: T201 - the checker's verdict belongs in the CI log
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len([line for line in lines if line.startswith("PASS ")]) == len(paths), (
        result.stdout + result.stderr
    )
