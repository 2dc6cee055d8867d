"""Letter templates in a sandbox: a flat, documented set of variables per kind of letter,
checked on save with a clear error, previewed with sample data."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from casework.auth import issue_token
from casework.models import ApiToken
from operations import services
from operations.constants import LetterKind
from operations.letter_context import (
    PLAIN_TYPES,
    check_template,
    flat_context,
    kinds,
    register_letter_kind,
    variables_for,
)
from operations.letters import TemplateSet, office_letterhead
from operations.models import LetterTemplate
from tests.casework.factories import (
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db

#: What someone with the right to edit templates might try.
HOSTILE = [
    "{{ case.assigned_to.password }}",
    "{{ person.cases.all }}",
    "{{ password }}",
    "{{ user.password }}",
    "{{ file_number.upper.__class__ }}",
    "{{ settings.SECRET_KEY }}",
    "{% load wagtailcore_tags %}{% slugurl 'x' %}",
    "{% include 'casework/case_file.html' %}",
    "{% extends 'base.html' %}",
    "{% debug %}",
    "{% url 'wagtailadmin_home' %}",
    "{% for c in person.cases.all %}{{ c.file_number }}{% endfor %}",
    "{% with p=case.person %}{{ p }}{% endwith %}",
    "{% if case.assigned_to.password %}x{% endif %}",
    "{{ family_name|default:case.assigned_to.password }}",
    "{% firstof case.assigned_to.password 'x' %}",
    "{{ family_name|dictsort:'password' }}",
    "{% templatetag openblock %}",
    "{% csrf_token %}",
    "{% now 'Y' as x %}{{ request.user.password }}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_template_that_reaches_beyond_the_letters_variables_is_refused(text):
    assert check_template(LetterKind.TITLE_REMINDER, text), text


@pytest.mark.parametrize(
    "text",
    [
        "{{ family_name }}",
        "Gültig bis {{ expires_on|date:'d.m.Y' }}",
        "{% if file_number %}({{ legal_basis }}){% else %}–{% endif %}",
        "{% comment %}intern{% endcomment %}{{ office_name|upper }}",
        "{# Notiz #}{% firstof given_names family_name %}",
    ],
)
def test_the_documented_variables_and_tags_are_accepted(text):
    assert check_template(LetterKind.TITLE_REMINDER, text) == []


def test_variables_belong_to_their_kind():
    assert check_template(LetterKind.PASSPORT_REMINDER, "{{ passport_number }}") == []
    assert check_template(LetterKind.RECEIPT, "{{ passport_number }}")
    assert check_template(LetterKind.RECEIPT, "{{ expires_on }}")


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_errors_name_the_line_and_say_what_is_allowed(english):
    (unknown,) = check_template(LetterKind.RECEIPT, "Hallo\n{{ passwort }}")
    assert "Line 2" in unknown and "passwort" in unknown and "family_name" in unknown
    (dotted,) = check_template(LetterKind.RECEIPT, "{{ person.family_name }}")
    assert "without dots" in dotted
    (unclosed,) = check_template(LetterKind.RECEIPT, "a\n{% if file_number %}x")
    assert "Line 2" in unclosed and "endif" in unclosed
    (stray,) = check_template(LetterKind.RECEIPT, "Hallo {{ family_name }")
    assert "Line 1" in stray and "counterpart" in stray
    (tag,) = check_template(LetterKind.RECEIPT, "{% load i18n %}")
    assert "not allowed" in tag
    (flt,) = check_template(LetterKind.RECEIPT, "{{ family_name|safe }}")
    assert "safe" in flt and "not allowed" in flt


def test_errors_are_translated_to_german():
    from django.utils import translation

    with translation.override("de"):
        (message,) = check_template(LetterKind.RECEIPT, "{{ passwort }}")
    assert "Unbekannte Variable" in message or "unbekannte Variable" in message


def test_saving_a_broken_template_is_refused_field_by_field():
    template = LetterTemplate(
        kind=LetterKind.RECEIPT,
        language="de",
        subject="Eingang {{ file_number }",
        body="{{ case.assigned_to.password }}",
    )
    with pytest.raises(ValidationError) as info:
        template.full_clean()
    assert set(info.value.message_dict) == {"subject", "body"}


def test_every_context_value_is_plain_data_for_every_kind():
    """Whatever the sources hold, a letter sees text, numbers and dates, nothing to walk."""
    membership = MembershipFactory(user__username="caseworker")
    staff = membership.user
    case = WorkflowCaseFactory(
        case_type__department=membership.department,
        assigned_to=staff,
        checked=True,
        granted_until=dt.date(2027, 1, 1),
    )
    other = WorkflowCaseFactory()
    sources = {
        "person": case.person,
        "case": case,
        "office": office_letterhead(),
        "expires_on": dt.date(2026, 9, 1),
        "previous_valid_until": dt.date(2026, 3, 4),
        "ordinance": None,
    }
    for kind, _label in kinds():
        context = flat_context(kind, sources)
        assert set(context) == set(variables_for(kind))
        for name, value in context.items():
            assert isinstance(value, PLAIN_TYPES), (kind, name, type(value))
        assert other.person.family_name not in map(str, context.values())


def test_no_stored_template_can_print_a_password_a_token_or_another_persons_data(mailoutbox):
    """Even a template written straight into the database (past the check on save) is not
    used: the letter falls back to the built-in text, which holds none of these."""
    membership = MembershipFactory(user__username="caseworker")
    staff = membership.user
    _token, key = issue_token(user=staff, name="robot")
    holder = PersonFactory(family_name="Holder", email="holder@example.org")
    case = WorkflowCaseFactory(
        person=holder,
        case_type__department=membership.department,
        assigned_to=staff,
        handed_over=True,
        granted_until=dt.date(2026, 12, 1),
        at=dt.date(2026, 1, 5),
    )
    stranger = WorkflowCaseFactory(person=PersonFactory(family_name="Stranger"))
    services.seed_letter_templates()
    LetterTemplate.objects.filter(kind=LetterKind.TITLE_REMINDER).update(
        subject="{{ case.assigned_to.password }}",
        body="{{ case.assigned_to.password }} {{ case.assigned_to.casework_api_tokens.all }} "
        "{% for c in case.case_type.cases.all %}{{ c.person.family_name }}{% endfor %}",
    )
    section = TemplateSet().section(
        LetterKind.TITLE_REMINDER,
        "de",
        {"person": holder, "case": case, "office": office_letterhead(), "expires_on": None},
    )
    text = section.subject + section.text
    assert staff.password not in text and "md5$" not in text
    assert key not in text and ApiToken.objects.get().key_hash not in text
    assert stranger.person.family_name not in text
    assert "Holder" in text  # the built-in text stood in


def test_a_registered_kind_gets_its_own_variables():
    from operations.letter_context import LetterVariable

    register_letter_kind(
        "test_notice",
        (LetterVariable("decision", "the decision", "granted", lambda s: s.get("decision")),),
        label="Test notice",
    )
    assert check_template("test_notice", "{{ decision }}") == []
    assert check_template("test_notice", "{{ family_name }}")
    assert flat_context("test_notice", {"decision": "refused"}) == {"decision": "refused"}


def test_the_preview_shows_sample_data_and_never_a_real_person():
    WorkflowCaseFactory(person=PersonFactory(family_name="Echtperson"))
    template = LetterTemplate(
        kind=LetterKind.PASSPORT_REMINDER,
        language="uk",
        subject="Паспорт {{ passport_number }}",
        body="Шановні {{ full_name }},\n\nдо {{ expires_on|date:'d.m.Y' }}.",
    )
    request = RequestFactory().get("/")
    request.user = UserFactory()
    html = template.serve_preview(request, "").render().content.decode()
    assert "Паспорт FX123456" in html
    assert "Шановні Olena Kovalenko" in html and "30.09.2026" in html
    assert "Echtperson" not in html
    assert 'lang="uk"' in html
