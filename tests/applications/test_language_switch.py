"""Switching the language in the middle of an application keeps everything entered."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import Submission

from .conftest import Wizard, form_errors, personal_data

pytestmark = pytest.mark.django_db


def _url(kind: str, language: str) -> str:
    with translation.override(language):
        return reverse("applications:apply", kwargs={"kind": kind})


def test_the_finished_steps_survive_a_plain_language_link(client, case_types):
    """The language switcher's link (a GET of the same form in Ukrainian) continues the
    application at the step reached, in Ukrainian, instead of starting a new one."""
    wizard = Wizard(client, kind="employment", language="de")
    wizard.post("personal", personal_data(family_name="KOVALENKO"))
    response = client.get(_url("employment", "uk"))
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "application"
    html = response.content.decode()
    assert 'lang="uk"' in html
    assert 'id="resumed"' in html

    wizard.url = _url("employment", "uk")
    response = wizard.post("application", {"case_type": case_types["18b"].pk, "is_extension": "0"})
    assert response.context["wizard"]["steps"].current == "documents", form_errors(response)
    _response, token = wizard.finish()
    case = Submission.objects.get(token=token).case
    assert case.person.family_name == "KOVALENKO"


def test_what_was_typed_on_the_current_step_is_kept_unchecked(client, case_types):
    """The switch sends the step as it is (here half filled) and shows it again in the new
    language, without complaining about the missing fields yet."""
    wizard = Wizard(client, kind="employment", language="de")
    half = {"family_name": "KOVALENKO", "given_names": "", "town": "Hilden"}
    response = client.post(
        _url("employment", "ru"),
        {
            "application_employment-current_step": "personal",
            "switch_language": "ru",
            **{f"personal-{key}": value for key, value in half.items()},
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url("employment", "ru")
    response = client.get(response["Location"])
    html = response.content.decode()
    assert response.context["wizard"]["steps"].current == "personal"
    assert 'lang="ru"' in html
    assert 'value="KOVALENKO"' in html and 'value="Hilden"' in html
    assert 'id="error-summary"' not in html, "no errors before the applicant continues"

    response = wizard.post("personal", personal_data(family_name="KOVALENKO"))
    assert response.context["wizard"]["steps"].current == "application", form_errors(response)


def test_a_new_application_can_be_started_on_purpose(client, case_types):
    wizard = Wizard(client, kind="employment", language="de")
    wizard.post("personal", personal_data())
    response = client.get(_url("employment", "de") + "?neu")
    assert response.context["wizard"]["steps"].current == "personal"
    assert 'value="SHEVCHENKO"' not in response.content.decode()


def test_a_switch_for_another_step_than_the_stored_one_changes_nothing(client, case_types):
    wizard = Wizard(client, kind="employment", language="de")
    wizard.post("personal", personal_data())
    response = client.post(
        _url("employment", "en"),
        {
            "application_employment-current_step": "consent",
            "switch_language": "en",
            "consent-consent": "on",
        },
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.context["wizard"]["steps"].current == "application"
    assert 'id="error-summary"' not in response.content.decode()
