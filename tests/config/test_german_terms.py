"""German terms in English, Ukrainian and Russian pages carry lang="de" (WCAG 3.1.2)."""

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from config.german_terms import case_type_label_html, localized_name_html, mark_german
from tests.casework.factories import CaseTypeFactory


@pytest.mark.parametrize("language", ["en", "uk", "ru"])
def test_terms_and_citations_are_marked_outside_german_pages(language):
    html = mark_german("Apply at the Bürgerbüro (§ 81 Abs. 4 AufenthG) for an eAT.", language)
    assert '<span lang="de">Bürgerbüro</span>' in html
    assert '<span lang="de">§ 81 Abs. 4 AufenthG</span>' in html
    assert '<span lang="de">eAT</span>' in html


def test_german_pages_stay_unmarked_and_text_is_escaped():
    assert mark_german("Bürgerbüro <b>", "de") == "Bürgerbüro &lt;b&gt;"
    assert mark_german("<script>Duldung</script>", "en") == (
        '&lt;script&gt;<span lang="de">Duldung</span>&lt;/script&gt;'
    )


def test_words_containing_a_term_are_left_alone():
    assert "lang" not in mark_german("Bürgerbüros and eATs and Sachbescheidung", "en")


def test_editors_marks_win_and_tags_are_not_touched():
    html = mark_german(
        mark_safe('<p><span lang="de">Bürgerbüro</span>, <a href="/Duldung">Duldung</a></p>'),
        "en",
    )
    assert html == (
        '<p><span lang="de">Bürgerbüro</span>, '
        '<a href="/Duldung"><span lang="de">Duldung</span></a></p>'
    )


@pytest.mark.django_db
def test_case_type_label_marks_the_citation_and_a_german_fallback_name():
    case_type = CaseTypeFactory(
        legal_basis="§ 24 AufenthG", name="Vorübergehender Schutz", name_uk="Тимчасовий захист"
    )
    assert case_type_label_html(case_type, "uk") == (
        '<span lang="de">§ 24 AufenthG</span> – Тимчасовий захист'
    )
    assert case_type_label_html(case_type, "en") == (
        '<span lang="de">§ 24 AufenthG</span> – <span lang="de">Vorübergehender Schutz</span>'
    )
    assert case_type_label_html(case_type, "de") == "§ 24 AufenthG – Vorübergehender Schutz"
    assert localized_name_html(case_type, "uk") == "Тимчасовий захист"


@pytest.mark.django_db
def test_application_form_offers_case_types_with_marked_citations(client, settings):
    from casework.models import CaseType

    CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG", name="Vorübergehender Schutz")
    assert CaseType.objects.filter(code="24").exists()
    with translation.override("en"):
        from applications.forms import ApplicationForm

        form = ApplicationForm(case_types=CaseType.objects.all())
        html = str(form["case_type"])
    assert '<span lang="de">§ 24 AufenthG</span>' in html
