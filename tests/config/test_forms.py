"""The public form base: every field says whether it is required, what it is for (input
purpose) and which hint and error belong to it; a failed submit starts at the error summary."""

import re

import pytest
from django import forms
from django.utils import translation

from applications.forms import PersonalForm, PhotoForm, StatusForm
from appointments.forms import ApplicantForm, WaitingListForm
from config.forms import PublicForm


class Sample(PublicForm):
    name = forms.CharField(label="Name", help_text="As in your passport.")
    phone = forms.CharField(label="Phone", required=False)
    agree = forms.BooleanField(label="I agree")
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    code = forms.CharField(label="Code", required=False)
    unmarked_fields = frozenset({"code"})


def _group(form, name) -> str:
    return form[name].as_field_group()


def test_required_and_optional_fields_are_marked():
    form = Sample()
    required = '<span class="field-required" aria-hidden="true">*</span>'
    assert f'<label for="id_name">Name {required}</label>' in _group(form, "name")
    assert "required" in _group(form, "name")
    with translation.override("en"):
        assert '<span class="field-optional">(optional)</span>' in _group(form, "phone")
    code = _group(form, "code")
    assert "field-required" not in code and "field-optional" not in code
    assert form.has_required_fields


def test_hint_and_errors_are_tied_to_the_input():
    form = Sample(data={"phone": "1"})
    form.is_valid()
    html = _group(form, "name")
    assert 'id="id_name_helptext"' in html
    assert 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html


def test_checkbox_label_follows_its_box_and_radios_sit_in_a_fieldset():
    form = Sample()
    agree = _group(form, "agree")
    assert agree.index('type="checkbox"') < agree.index("<label")
    kind = _group(form, "kind")
    assert "<fieldset" in kind and "<legend>Kind" in kind


@pytest.mark.parametrize(
    ("form_class", "field", "token"),
    [
        (PersonalForm, "family_name", "family-name"),
        (PersonalForm, "given_names", "given-name"),
        (PersonalForm, "family_name_native", "section-native family-name"),
        (PersonalForm, "given_names_native", "section-native given-name"),
        (PersonalForm, "birth_date", "bday"),
        (PersonalForm, "street", "address-line1"),
        (PersonalForm, "postal_code", "postal-code"),
        (PersonalForm, "town", "address-level2"),
        (PersonalForm, "email", "email"),
        (PersonalForm, "phone", "tel"),
        (PersonalForm, "language", "language"),
        (StatusForm, "birth_date", "bday"),
        (ApplicantForm, "birth_date", "bday"),
        (WaitingListForm, "birth_date", "bday"),
        (WaitingListForm, "email", "email"),
    ],
)
def test_inputs_say_their_purpose(form_class, field, token):
    """WCAG 1.3.5: the applicant's own data carry their autocomplete token."""
    assert f'autocomplete="{token}"' in str(form_class()[field])


def test_photo_code_is_neither_required_nor_optional():
    """Needed only with a photographer's code: the hint says so, no marker contradicts it."""
    with translation.override("en"):
        html = PhotoForm()["photo_reference"].as_field_group()
    assert "field-optional" not in html and "field-required" not in html
    assert "Needed if you have a code." in html


@pytest.mark.django_db
def test_failed_status_lookup_starts_at_the_error_summary(client):
    response = client.post("/en/status/", {"file_number": "", "birth_date": ""})
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    summary = re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert '<a href="#id_file_number">File number: ' in html
    assert 'Fields marked with <span class="field-required">*</span> are required.' in html


@pytest.mark.django_db
def test_error_title_is_translated(client):
    response = client.post("/de/status/", {"file_number": "", "birth_date": ""})
    assert "<title>Fehler: " in response.content.decode()
    response = client.post("/uk/status/", {"file_number": "", "birth_date": ""})
    assert "<title>Помилка: " in response.content.decode()


@pytest.mark.django_db
def test_pages_without_errors_have_plain_titles(client):
    html = client.get("/en/status/").content.decode()
    assert "<title>Error" not in html
    assert 'class="error-summary"' not in html


@pytest.mark.django_db
def test_unknown_case_is_an_error_of_the_summary(client):
    """A lookup that finds nothing is reported in the focused summary, like a field error."""
    response = client.post(
        "/en/status/", {"file_number": "ABH-2026-999999", "birth_date": "1990-01-01"}
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    summary = html[html.index('class="error-summary"') :]
    assert 'data-testid="not-found"' in summary[: summary.index("</div>")]


@pytest.mark.django_db
def test_booking_and_waiting_list_mark_their_fields(client):
    for url in ("/en/termin/", "/en/termin/warteliste/"):
        html = client.get(url).content.decode()
        assert 'autocomplete="bday"' in html
        assert 'class="field-required"' in html
    response = client.post("/en/termin/", {"file_number": "", "birth_date": ""})
    assert "<title>Error: " in response.content.decode()


@pytest.mark.django_db
def test_forms_post_to_an_address_without_fragment(client):
    """After the skip link the address ends in #main; a form without action would post there,
    and the answer would focus <main> instead of the error summary."""
    html = client.get("/en/status/").content.decode()
    assert 'action="/en/status/"' in html
