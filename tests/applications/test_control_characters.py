"""Control characters (NUL and the like) typed or pasted into the application form: an error
at the field in the applicant's language, the step is not left, nothing is stored (issue 18)."""

import pytest

from applications.models import Submission
from casework.models import Case

from .conftest import Wizard, personal_data

pytestmark = pytest.mark.django_db


def _codes(form, name: str) -> list[str]:
    return [error.code for error in form.errors.as_data()[name]]


def test_a_nul_in_a_name_stays_on_the_step_with_an_error_at_the_field(client, case_types):
    wizard = Wizard(client, kind="ukraine", language="uk")
    response = wizard.post("personal", personal_data(family_name="SHEV\x00CHENKO"))
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "personal"
    assert _codes(response.context["form"], "family_name") == ["control_characters"]
    page = response.content.decode()
    assert "керівні символи" in page and 'id="error-summary"' in page
    # Everything else the applicant typed is still there.
    assert 'value="OLENA"' in page and 'value="Hauptstraße 1"' in page


def test_control_characters_in_a_choice_or_a_family_member_are_field_errors(client, case_types):
    wizard = Wizard(client, kind="ukraine", language="de")
    wizard.post("personal", personal_data())
    response = wizard.post("application", {"case_type": f"{case_types['24'].pk}\x00"})
    assert _codes(response.context["form"], "case_type") == ["control_characters"]
    wizard.post("application", {"case_type": case_types["24"].pk, "is_extension": "0"})
    child = {
        "relation": "child",
        "family_name": "SHEVCHENKO",
        "given_names": "DARY\x07NA",
        "birth_date": "2019-08-01",
        "nationality": "UKR",
        "id_document": "birth_certificate",
    }
    response = wizard.post_family([child])
    assert response.context["wizard"]["steps"].current == "family"
    (member,) = response.context["form"].forms
    assert _codes(member, "given_names") == ["control_characters"]
    assert "Steuerzeichen" in response.content.decode()


def test_a_forged_final_post_with_a_nul_creates_nothing(client, case_types):
    wizard = Wizard(client, kind="employment", language="de")
    wizard.fill_until_documents(case_types["18b"])
    response = wizard.post("summary", {"token": "abc\x00"})
    assert response.status_code in {200, 400}
    assert not Submission.objects.exists() and not Case.objects.exists()
