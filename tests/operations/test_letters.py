"""Letters: editable templates, the office letterhead, real PDFs in the holder's language."""

import io

import pytest
from pypdf import PdfReader
from wagtail.models import Site

from casework.constants import CaseState
from cms.models import OfficeSettings
from operations import demo, services
from operations.constants import LetterKind
from operations.letters import TemplateSet, letter_language, office_letterhead
from operations.models import ContinuationOrdinance, LetterTemplate
from tests.casework.factories import CaseFactory, CaseTypeFactory, PersonFactory


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def chancen_case(db):
    person = PersonFactory(
        family_name="Haddad", given_names="Rami", preferred_language="ru", street="Hauptstr. 1"
    )
    return CaseFactory(
        person=person, case_type=CaseTypeFactory(chancen=True), state=CaseState.PRODUCED
    )


def test_receipt_in_the_applicants_language_with_file_number(chancen_case):
    text = text_of(services.receipt_pdf(chancen_case))
    assert "Подтверждение получения заявления" in text
    assert chancen_case.file_number in text
    assert "Haddad" in text
    assert "Hauptstr. 1" in text


def test_belehrung_in_german_and_the_holders_language(chancen_case):
    text = text_of(services.belehrung_pdf(chancen_case))
    assert "Belehrung zum Chancen-Aufenthaltsrecht" in text
    assert "Разъяснение о праве на пребывание" in text


def test_languages_without_templates_fall_back_to_german(chancen_case):
    assert letter_language("ar") == "de"
    chancen_case.person.preferred_language = "tr"
    text = text_of(services.receipt_pdf(chancen_case))
    assert "Eingangsbestätigung" in text


def test_an_edited_template_is_used_and_markup_is_not_injected(chancen_case):
    services.seed_letter_templates()
    LetterTemplate.objects.filter(kind=LetterKind.RECEIPT, language="ru").update(
        subject="Квитанция {{ case.file_number }}",
        body="<b>Neu</b> {{ person.family_name }}\n\nZweiter Absatz",
    )
    section = TemplateSet().section(
        LetterKind.RECEIPT, "ru", {"person": chancen_case.person, "case": chancen_case}
    )
    assert section.subject == f"Квитанция {chancen_case.file_number}"
    assert "&lt;b&gt;Neu&lt;/b&gt; Haddad" in section.body_html
    assert section.body_html.count("<p>") == 2
    assert "Квитанция" in text_of(services.receipt_pdf(chancen_case))


def test_letterhead_comes_from_the_office_settings(chancen_case):
    site = Site.objects.get(is_default_site=True)
    OfficeSettings.objects.update_or_create(
        site=site,
        defaults={"office_name": "Kreis Beispiel – Ausländeramt", "city": "Beispielstadt"},
    )
    assert office_letterhead().name == "Kreis Beispiel – Ausländeramt"
    text = text_of(services.receipt_pdf(chancen_case))
    assert "Kreis Beispiel – Ausländeramt" in text
    assert "Beispielstadt" in text


def test_letterhead_falls_back_to_the_site_name(db, settings):
    Site.objects.all().delete()
    settings.WAGTAIL_SITE_NAME = "ABH Demo"
    assert office_letterhead().name == "ABH Demo"


def test_seeding_keeps_edited_templates(db):
    assert services.seed_letter_templates() == 20
    LetterTemplate.objects.filter(kind=LetterKind.RECEIPT, language="de").update(subject="X")
    assert services.seed_letter_templates() == 0
    assert LetterTemplate.objects.get(kind=LetterKind.RECEIPT, language="de").subject == "X"


def test_demo_loader_is_idempotent(db):
    CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG")
    out = io.StringIO()

    class Style:
        def WARNING(self, text):  # noqa: N802 - mirrors Django's style API
            return text

    demo.load(stdout=out, style=Style())
    demo.load(stdout=out, style=Style())
    assert LetterTemplate.objects.count() == 20
    assert list(
        ContinuationOrdinance.objects.order_by("cut_off_on").values_list(
            "cut_off_on", "valid_until"
        )
    ) == [
        (demo.ORDINANCES[0][0], demo.ORDINANCES[0][1]),
        (demo.ORDINANCES[1][0], demo.ORDINANCES[1][1]),
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_print_run_of_several_batches_keeps_every_letter_in_order(
    db, settings, monkeypatch, workers
):
    """Big runs are rendered in batches (in worker processes) and joined in order."""
    from operations import letters

    monkeypatch.setattr(letters, "BATCH_SIZE", 2)
    settings.OPERATIONS_PDF_WORKERS = workers
    templates = TemplateSet()
    people = [PersonFactory(family_name=f"Person{i}", preferred_language="en") for i in range(5)]
    batch = [
        templates.letter(
            LetterKind.PASSPORT_REMINDER,
            ["en"],
            {"person": person, "expires_on": None, "office": office_letterhead()},
            person=person,
        )
        for person in people
    ]
    reader = PdfReader(io.BytesIO(letters.render_letters_pdf(batch)))
    assert len(reader.pages) == 5
    for index, page in enumerate(reader.pages):
        assert f"Person{index}" in page.extract_text()
