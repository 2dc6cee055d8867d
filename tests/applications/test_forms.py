"""Validation of the application steps: each rule gives a field error in the user's language."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from applications.forms import ApplicationForm, PersonalForm, PhotoForm, StatusForm

from .conftest import personal_data


def errors_for(data, language="de"):
    with translation.override(language):
        form = PersonalForm(data=data)
        form.is_valid()
        return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


@pytest.mark.django_db
def test_valid_personal_data_is_accepted_and_normalised():
    form = PersonalForm(data=personal_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["passport_number"] == "FA123456"
    assert form.cleaned_data["birth_date"] == dt.date(1990, 5, 17)


@pytest.mark.django_db
def test_birth_date_in_the_future_is_rejected():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    errors = errors_for(personal_data(birth_date=tomorrow.isoformat()))
    assert errors["birth_date"] == ["Das Geburtsdatum kann nicht in der Zukunft liegen."]


@pytest.mark.django_db
def test_30_february_is_an_invalid_date_in_every_language():
    data = personal_data(birth_date="1990-02-30")
    assert errors_for(data, "de")["birth_date"] == ["Bitte ein gültiges Datum eingeben."]
    assert errors_for(data, "en")["birth_date"] == ["Enter a valid date."]
    assert errors_for(data, "uk")["birth_date"] != errors_for(data, "en")["birth_date"]


@pytest.mark.django_db
def test_expired_passport_is_rejected():
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    errors = errors_for(personal_data(passport_valid_until=yesterday.isoformat()), "en")
    assert "Your passport has expired" in errors["passport_valid_until"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "   "])
def test_empty_names_are_required(value):
    errors = errors_for(personal_data(family_name=value, given_names=value), "en")
    assert errors["family_name"] == ["This field is required."]
    assert errors["given_names"] == ["This field is required."]


@pytest.mark.django_db
def test_5000_character_name_is_rejected_with_the_limit():
    errors = errors_for(personal_data(family_name="A" * 5000), "en")
    assert "at most 100 characters" in errors["family_name"][0]


@pytest.mark.django_db
def test_passport_name_must_be_in_latin_letters_but_native_name_may_be_cyrillic():
    errors = errors_for(personal_data(family_name="Шевченко"), "en")
    assert errors["family_name"] == [
        "Please write the name in Latin letters exactly as in your passport."
    ]
    assert "family_name_native" not in errors


@pytest.mark.django_db
def test_errors_are_translated_to_ukrainian_and_russian():
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    uk = errors_for(personal_data(birth_date=tomorrow), "uk")["birth_date"][0]
    ru = errors_for(personal_data(birth_date=tomorrow), "ru")["birth_date"][0]
    assert uk == "Дата народження не може бути в майбутньому."
    assert ru == "Дата рождения не может быть в будущем."


@pytest.mark.django_db
def test_postal_code_passport_number_and_email_are_checked():
    errors = errors_for(
        personal_data(postal_code="4082", passport_number="??", email="not-an-address"), "en"
    )
    assert set(errors) == {"postal_code", "passport_number", "email"}


@pytest.mark.django_db
def test_extension_needs_current_title_and_its_expiry(case_types):
    form = ApplicationForm(
        data={"case_type": case_types["18b"].pk, "is_extension": "1"},
        case_types=type(case_types["18b"]).objects.all(),
    )
    assert not form.is_valid()
    assert set(form.errors) == {"current_title", "title_expires_on"}


@pytest.mark.django_db
def test_case_type_outside_the_form_is_rejected(case_types):
    form = ApplicationForm(
        data={"case_type": case_types["24"].pk, "is_extension": "0"},
        case_types=type(case_types["18b"]).objects.filter(code="18b"),
    )
    assert not form.is_valid()
    assert "case_type" in form.errors


def test_photo_code_required_when_photographer_code_chosen():
    assert not PhotoForm(data={"photo_source": "qr_code"}).is_valid()
    assert PhotoForm(data={"photo_source": "qr_code", "photo_reference": "AB12-CD34"}).is_valid()
    form = PhotoForm(data={"photo_source": "on_site", "photo_reference": "ignored"})
    assert form.is_valid()
    assert form.cleaned_data["photo_reference"] == ""


def test_status_form_normalises_the_file_number():
    form = StatusForm(data={"file_number": " abh-2026-000001 ", "birth_date": "1990-05-17"})
    assert form.is_valid()
    assert form.cleaned_data["file_number"] == "ABH-2026-000001"


@given(
    name=st.text(
        alphabet=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÄÖÜäöüß-' "),
        min_size=1,
        max_size=300,
    )
)
@hypothesis_settings(max_examples=60, deadline=None)
def test_latin_names_are_accepted_up_to_the_limit_and_rejected_beyond(name):
    field = PersonalForm.base_fields["family_name"]
    stripped = name.strip()
    try:
        field.clean(name)
    except ValidationError:
        accepted = False
    else:
        accepted = True
    assert accepted == (0 < len(stripped) <= 100 and any(c.isalpha() for c in stripped))
