"""Letters: editable templates, the office letterhead, real PDFs in the holder's language."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import Site

from cms.models import OfficeSettings
from operations import demo, services
from operations.constants import LetterKind
from operations.defaults import DEFAULT_TEMPLATES
from operations.letters import (
    TemplateSet,
    letter_language,
    office_letterhead,
    render_letters_pdf,
)
from operations.models import ContinuationItem, ContinuationOrdinance, LetterTemplate
from tests.casework.factories import (
    CaseTypeFactory,
    PersonFactory,
    WorkflowCaseFactory,
)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def chancen_case(db):
    person = PersonFactory(
        family_name="Haddad", given_names="Rami", preferred_language="ru", street="Hauptstr. 1"
    )
    return WorkflowCaseFactory(
        person=person, case_type=CaseTypeFactory(chancen=True), produced=True
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
        subject="Квитанция {{ file_number }}",
        body="<b>Neu</b> {{ family_name }}\n\nZweiter Absatz",
    )
    section = TemplateSet().section(
        LetterKind.RECEIPT, "ru", {"person": chancen_case.person, "case": chancen_case}
    )
    assert section.subject == f"Квитанция {chancen_case.file_number}"
    assert section.paragraphs == ("<b>Neu</b> Haddad", "Zweiter Absatz")
    assert "&lt;b&gt;Neu&lt;/b&gt; Haddad" in section.body_html
    assert section.body_html.count("<p>") == 2
    text = text_of(services.receipt_pdf(chancen_case))
    assert "Квитанция" in text
    assert "<b>Neu</b> Haddad" in text  # printed as written, not read as markup


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
    # Every kind in every language, counted from the defaults (new kinds need no edit here).
    assert services.seed_letter_templates() == sum(map(len, DEFAULT_TEMPLATES.values()))
    assert LetterTemplate.objects.count() == len(LetterKind) * 4
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
    assert LetterTemplate.objects.count() == len(LetterKind) * 4
    assert list(
        ContinuationOrdinance.objects.order_by("cut_off_on").values_list(
            "cut_off_on", "valid_until"
        )
    ) == [
        (demo.ORDINANCES[0][0], demo.ORDINANCES[0][1]),
        (demo.ORDINANCES[1][0], demo.ORDINANCES[1][1]),
        demo.next_ordinance(timezone.localdate())[:2],
    ]


def reminder_letters(people):
    templates = TemplateSet()
    office = office_letterhead()
    return (
        templates.letter(
            LetterKind.PASSPORT_REMINDER,
            [person.preferred_language],
            {"person": person, "expires_on": None, "office": office},
            person=person,
        )
        for person in people
    )


def test_a_print_run_has_one_page_per_letter_in_order(db):
    """The letters are pulled one by one from a generator while the pages are laid out."""
    from operations import pdf

    people = [
        PersonFactory(family_name=f"Person{i}", preferred_language="uk" if i % 2 else "en")
        for i in range(pdf.LOOKAHEAD + 5)  # more flowables than are kept ahead
    ]
    pulled = []

    def letters():
        for letter in reminder_letters(people):
            pulled.append(letter)
            yield letter

    reader = PdfReader(io.BytesIO(render_letters_pdf(letters())))
    assert len(pulled) == len(people)
    assert len(reader.pages) == len(people)
    for index, page in enumerate(reader.pages):
        text = page.extract_text()
        assert f"Person{index}" in text
        assert f"Person{index + 1}" not in text
        assert ("Термін дії Вашого паспорта" if index % 2 else "Your passport expires") in text


def test_no_letters_give_an_empty_page(db):
    reader = PdfReader(io.BytesIO(render_letters_pdf([])))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text().strip() == ""


def test_a_long_letter_runs_on_to_a_second_page(db):
    person = PersonFactory(family_name="Lang", preferred_language="de")
    letter = next(reminder_letters([person]))
    letter.sections[0].paragraphs = tuple(f"Absatz {i} " + "Text " * 60 for i in range(40))
    reader = PdfReader(io.BytesIO(render_letters_pdf([letter])))
    assert len(reader.pages) > 1
    assert "Absatz 39" in reader.pages[-1].extract_text()


def test_the_pdf_has_the_document_title_and_language(chancen_case):
    pdf = services.receipt_pdf(chancen_case)
    reader = PdfReader(io.BytesIO(pdf))
    # Handed to the holder: a tagged PDF titled by its subject, in the holder's language.
    assert reader.metadata.title.startswith("Подтверждение")
    assert office_letterhead().name == reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


@pytest.fixture
def office_settings(db):
    site = Site.objects.get(is_default_site=True)
    OfficeSettings.objects.update_or_create(
        site=site,
        defaults={
            "office_name": "Stadt Musterstadt – Ausländerbehörde",
            "street": "Rathausplatz 1",
            "postcode": "12345",
            "city": "Musterstadt",
            "phone": "0123 456-0",
            "email": "abh@musterstadt.example",
        },
    )


def test_certificate_has_letterhead_address_date_and_both_languages(office_settings):
    holder = PersonFactory(
        family_name="Шевченко",
        given_names="Олена",
        preferred_language="uk",
        street="Lindenweg 5",
        postal_code="12345",
        town="Musterstadt",
    )
    case = WorkflowCaseFactory(
        person=holder,
        case_type=CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG"),
        handed_over=True,
    )
    ordinance = ContinuationOrdinance.objects.create(
        case_type=case.case_type,
        cut_off_on=dt.date(2025, 2, 1),
        valid_until=dt.date(2027, 3, 4),
        reference="Fortgeltungsverordnung",
    )
    item = ContinuationItem.objects.create(
        ordinance=ordinance,
        case=case,
        previous_valid_until=dt.date(2025, 3, 4),
        language="uk",
        done_at=dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC),
    )
    reader = PdfReader(io.BytesIO(services.certificate_pdf(item)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "Stadt Musterstadt – Ausländerbehörde"
    assert "Rathausplatz 1, 12345 Musterstadt · 0123 456-0 · abh@musterstadt.example" in lines
    assert "Stadt Musterstadt – Ausländerbehörde, 12345 Musterstadt" in lines  # sender line
    assert "Олена Шевченко" in lines
    assert "Lindenweg 5" in lines
    assert "12345 Musterstadt" in lines
    assert "Musterstadt, 15.01.2026" in lines
    flowing = " ".join(text.split())  # headings may wrap differently
    german = flowing.index("Bescheinigung über die Fortgeltung Ihres Aufenthaltstitels")
    ukrainian = flowing.index("Довідка про продовження дії Вашого дозволу на проживання")
    assert german < ukrainian
    assert "Шановні Олена Шевченко," in flowing
    assert "Guten Tag Олена Шевченко," in flowing
    assert "продовжує діяти до" in flowing
    assert "04.03.2027" in flowing


def test_data_is_printed_literally_never_read_as_markup(chancen_case):
    person = chancen_case.person
    person.family_name = "<b>&amp; Söhne</b> & Co <br/>"
    person.given_names = "Ali<font size=40>"
    person.street = "Weg 1 & 2 <i>"
    person.save()
    text = text_of(services.belehrung_pdf(chancen_case))
    assert "Ali<font size=40> <b>&amp; Söhne</b> & Co <br/>" in text
    assert "Weg 1 & 2 <i>" in text
    assert "Разъяснение о праве на пребывание" in text


def test_several_holders_each_get_their_own_page(db):
    people = [PersonFactory(family_name=f"Holder{i}", preferred_language="ru") for i in range(3)]
    reader = PdfReader(io.BytesIO(render_letters_pdf(reminder_letters(people))))
    assert [
        next(p for p in people if p.family_name in page.extract_text()) for page in reader.pages
    ] == people


@pytest.mark.parametrize("workers", [1, 2])
def test_a_print_run_spread_over_worker_processes_keeps_every_letter_in_order(
    db, settings, monkeypatch, workers
):
    """With OPERATIONS_PDF_WORKERS, batches are rendered in processes and joined in order."""
    from operations import letters

    monkeypatch.setattr(letters, "BATCH_SIZE", 2)
    settings.OPERATIONS_PDF_WORKERS = workers
    people = [PersonFactory(family_name=f"Person{i}", preferred_language="uk") for i in range(5)]
    reader = PdfReader(io.BytesIO(render_letters_pdf(reminder_letters(people))))
    assert len(reader.pages) == 5
    for index, page in enumerate(reader.pages):
        assert f"Person{index}" in page.extract_text()
        assert "Термін дії Вашого паспорта" in page.extract_text()
    assert reader.metadata.title == office_letterhead().name
    assert reader.trailer["/Root"]["/Lang"] == "de"
