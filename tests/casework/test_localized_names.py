"""Names of case types and checklist documents for applicants: their language, else German."""

import pytest
from django.utils import translation

from casework.models import CaseType, RequiredDocument, name_field_for


def test_name_field_for_languages_and_region_variants():
    assert name_field_for("uk") == "name_uk"
    assert name_field_for("ru") == "name_ru"
    assert name_field_for("en") == "name_en"
    assert name_field_for("en-gb") == "name_en"
    assert name_field_for("en_GB") == "name_en"
    assert name_field_for("de") == "name"
    assert name_field_for("de-at") == "name"
    assert name_field_for("fr") == "name"
    assert name_field_for(None) == "name"
    assert name_field_for("") == "name"


def test_localized_name_falls_back_to_german():
    case_type = CaseType(
        name="Vorübergehender Schutz (Ukraine)",
        name_uk="Тимчасовий захист (Україна)",
        name_en="Temporary protection (Ukraine)",
        legal_basis="§ 24 AufenthG",
    )
    assert case_type.localized_name("uk") == "Тимчасовий захист (Україна)"
    assert case_type.localized_name("en-gb") == "Temporary protection (Ukraine)"
    # No Russian name yet: German.
    assert case_type.localized_name("ru") == "Vorübergehender Schutz (Ukraine)"
    assert case_type.localized_name("de") == "Vorübergehender Schutz (Ukraine)"
    assert case_type.localized_label("uk") == "§ 24 AufenthG – Тимчасовий захист (Україна)"
    # The back office keeps the German name.
    with translation.override("uk"):
        assert str(case_type) == "§ 24 AufenthG – Vorübergehender Schutz (Ukraine)"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("uk", "Дійсний закордонний паспорт"), ("en-gb", "Valid passport"), ("ru", "Reisepass")],
)
def test_display_name_follows_the_active_language(language, expected):
    document = RequiredDocument(
        name="Reisepass", name_en="Valid passport", name_uk="Дійсний закордонний паспорт"
    )
    with translation.override(language):
        assert document.display_name == expected
    assert document.localized_name(language) == expected


def test_active_language_is_the_default():
    case_type = CaseType(name="Blaue Karte EU", name_en="EU Blue Card", legal_basis="§ 18g")
    with translation.override("en"):
        assert case_type.display_name == "EU Blue Card"
        assert case_type.display_label == "§ 18g – EU Blue Card"
    with translation.override("de"):
        assert case_type.display_name == "Blaue Karte EU"


def test_demo_catalogue_names_every_case_type_and_document_in_every_language():
    from casework import demo

    documents = {code for *_, checklist in demo.CASE_TYPES for code, _name in checklist}
    assert set(demo.CASE_TYPE_NAMES) == {case_type[0] for case_type in demo.CASE_TYPES}
    assert set(demo.DOCUMENT_NAMES) == documents
    for name_en, name_uk, name_ru in [
        *demo.CASE_TYPE_NAMES.values(),
        *demo.DOCUMENT_NAMES.values(),
    ]:
        assert name_en and name_uk and name_ru
        assert any("\u0400" <= char <= "\u04ff" for char in name_uk + name_ru)
        assert name_uk != name_ru


@pytest.mark.django_db
def test_office_edits_the_names_for_applicants_in_the_wagtail_admin(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from tests.casework.factories import CaseTypeFactory

    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    case_type = CaseTypeFactory(code="24", name="Vorübergehender Schutz")
    document = RequiredDocument.objects.create(case_type=case_type, code="passport", name="Pass")
    for viewset, obj in (("casework_casetype", case_type), ("casework_requireddocument", document)):
        response = client.get(reverse(f"wagtailsnippets_{viewset}:edit", args=[obj.pk]))
        assert response.status_code == 200
        for field in ("name", "name_en", "name_uk", "name_ru"):
            assert f'name="{field}"' in response.text
        listing = client.get(reverse(f"wagtailsnippets_{viewset}:list"))
        assert listing.status_code == 200
