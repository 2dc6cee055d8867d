"""The children in a person's household on the case file (§ 25b: four years instead of six
with a minor unmarried child): recorded and removed through the services with history, by the
case's department only, and the § 25b hint follows."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.constants import FamilyRelation, HistoryEvent, RecordKind, Role
from casework.models import CaseHistory, HouseholdChild, Person
from casework.target_groups import years_before
from operations.models import TargetGroup
from operations.target_groups import case_hints

from .backoffice import build_office, member
from .factories import CaseTypeFactory, PersonFactory, WorkflowCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


def tolerated_case(office, years, *, department="dept_a", worker="worker_a"):
    """A Duldung case of a person tolerated without a break for ``years`` years."""
    dept = getattr(office, department)
    today = timezone.localdate()
    parent = PersonFactory(family_name="Haddad", birth_date=dt.date(1985, 3, 1))
    services.record_residence(
        person=parent,
        user=getattr(office, worker),
        department=dept,
        kind=RecordKind.DULDUNG,
        valid_from=years_before(today, years),
        valid_until=today + dt.timedelta(days=60),
    )
    return WorkflowCaseFactory(
        person=parent, case_type=CaseTypeFactory(department=dept, duldung=True)
    )


def the_25b_group():
    group, _created = TargetGroup.objects.get_or_create(
        hint="Möglicher Fall für § 25b AufenthG",
        defaults={"name": "Bleiberecht bei nachhaltiger Integration (§ 25b AufenthG)"},
    )
    return group


def new_child(**fields):
    data = {
        "family_name": "Haddad",
        "given_names": "Lina",
        "birth_date": dt.date(2016, 5, 4),
        "nationality": "SYR",
    }
    return {**data, **fields}


# -- the services ---------------------------------------------------------------------------


def test_a_new_child_is_a_new_person_recorded_with_history_on_each_case(office):
    case = tolerated_case(office, 5)
    other_case = WorkflowCaseFactory(person=case.person, case_type=office.type_a)

    row, known = services.add_household_child(
        case=case, user=office.worker_a, new_child=new_child()
    )

    assert not known
    child = Person.objects.get(given_names="Lina")
    assert (row.person, row.child, row.married, row.recorded_by) == (
        case.person,
        child,
        False,
        office.worker_a,
    )
    history = CaseHistory.objects.filter(transition=HistoryEvent.HOUSEHOLD_CHILD_ADDED)
    assert sorted(history.values_list("case_id", flat=True)) == sorted([case.pk, other_case.pk])
    assert all(h.by == office.worker_a and "Haddad, Lina" in h.comment for h in history)
    assert history.first().step_title == str(HistoryEvent.HOUSEHOLD_CHILD_ADDED.label)


def test_a_child_the_register_knows_in_another_spelling_is_not_created_again(office):
    case = tolerated_case(office, 5)
    known_child = PersonFactory(
        family_name="Shevchenko",
        given_names="Olena",
        birth_date=dt.date(2015, 1, 2),
        nationality="UKR",
    )

    row, known = services.add_household_child(
        case=case,
        user=office.worker_a,
        new_child=new_child(
            family_name="Schewtschenko",
            given_names="Olena",
            birth_date=dt.date(2015, 1, 2),
            nationality="ukr",
        ),
    )

    assert known and row.child == known_child
    assert Person.objects.filter(birth_date=dt.date(2015, 1, 2)).count() == 1


def test_bad_input_is_refused_with_a_reason_and_changes_nothing(office):
    case = tolerated_case(office, 5)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    persons = Person.objects.count()

    def refused(**kwargs):
        with pytest.raises(ValidationError) as exc:
            services.add_household_child(case=case, user=office.worker_a, **kwargs)
        return exc.value.message_dict

    assert "birth_date" in refused(new_child=new_child(birth_date=tomorrow))
    assert "child" in refused(child=case.person)
    assert "child" in refused(new_child=new_child(birth_date=dt.date(1980, 1, 1)))
    assert "nationality" in refused(new_child=new_child(nationality="Syrien"))
    assert "family_name" in refused(new_child=new_child(family_name="  "))
    assert Person.objects.count() == persons
    assert not HouseholdChild.objects.exists()
    assert not CaseHistory.objects.filter(transition=HistoryEvent.HOUSEHOLD_CHILD_ADDED).exists()


def test_a_child_recorded_already_gets_no_second_row(office):
    case = tolerated_case(office, 5)
    services.add_household_child(case=case, user=office.worker_a, new_child=new_child())

    # The same form sent again (a double click): the register's child, already recorded.
    with pytest.raises(ValidationError) as exc:
        services.add_household_child(case=case, user=office.worker_a, new_child=new_child())
    assert "already recorded" in str(exc.value) or "bereits" in str(exc.value)
    assert HouseholdChild.objects.count() == 1
    assert Person.objects.filter(given_names="Lina").count() == 1


def test_removing_a_child_writes_history_and_a_second_removal_is_refused(office):
    case = tolerated_case(office, 5)
    row, _known = services.add_household_child(
        case=case, user=office.worker_a, new_child=new_child()
    )

    child = services.remove_household_child(
        case=case, user=office.supervisor_a, child_id=row.child_id
    )

    assert child == row.child and not HouseholdChild.objects.exists()
    removed = CaseHistory.objects.get(transition=HistoryEvent.HOUSEHOLD_CHILD_REMOVED)
    assert removed.case == case and removed.by == office.supervisor_a
    with pytest.raises(ValidationError):
        services.remove_household_child(case=case, user=office.worker_a, child_id=row.child_id)
    assert Person.objects.filter(pk=child.pk).exists()  # the person stays in the register


def test_only_the_cases_department_may_change_the_household(office):
    case = tolerated_case(office, 5)
    for user in (office.worker_b, office.counter):
        with pytest.raises(PermissionDenied):
            services.add_household_child(case=case, user=user, new_child=new_child())
    row, _known = services.add_household_child(
        case=case, user=office.worker_a, new_child=new_child()
    )
    for user in (office.worker_b, office.counter):
        with pytest.raises(PermissionDenied):
            services.remove_household_child(case=case, user=user, child_id=row.child_id)
    assert HouseholdChild.objects.count() == 1


def test_record_household_child_writes_history_too(office):
    case = tolerated_case(office, 5)
    child = PersonFactory(birth_date=dt.date(2014, 1, 1))
    services.record_household_child(person=case.person, child=child, user=office.worker_a)
    services.record_household_child(person=case.person, child=child, user=office.worker_a)
    assert CaseHistory.objects.filter(transition=HistoryEvent.HOUSEHOLD_CHILD_ADDED).count() == 1


# -- the § 25b hint -------------------------------------------------------------------------


def test_the_25b_hint_follows_the_child_four_year_rule(office):
    group = the_25b_group()
    case = tolerated_case(office, 5)  # five years: enough only with a minor child
    assert case_hints(case) == []

    row, _known = services.add_household_child(
        case=case, user=office.worker_a, new_child=new_child()
    )
    hints = case_hints(case)
    assert [(g, c.with_child) for g, c in hints] == [(group, True)]
    assert hints[0][1].since == years_before(timezone.localdate(), 5)

    services.remove_household_child(case=case, user=office.worker_a, child_id=row.child_id)
    assert case_hints(case) == []

    # A married child does not shorten the time.
    services.add_household_child(
        case=case, user=office.worker_a, new_child=new_child(), married=True
    )
    assert case_hints(case) == []


def test_a_grown_up_child_does_not_shorten_the_time(office):
    the_25b_group()
    case = tolerated_case(office, 5)
    services.add_household_child(
        case=case,
        user=office.worker_a,
        new_child=new_child(birth_date=years_before(timezone.localdate(), 18)),
    )
    assert case_hints(case) == []


# -- the case file --------------------------------------------------------------------------


def case_url(case):
    return reverse("casework:case", args=[case.file_number])


def add_url(case):
    return reverse("casework:add_household_child", args=[case.file_number])


def remove_url(case, child_id):
    return reverse("casework:remove_household_child", args=[case.file_number, child_id])


def form_data(**fields):
    data = new_child(**fields)
    return {f"household-{name}": str(value) for name, value in data.items()}


def test_a_caseworker_records_and_removes_a_child_on_the_case_file(client, office):
    the_25b_group()
    case = tolerated_case(office, 5)
    client.force_login(office.worker_a)

    page = client.get(case_url(case)).content.decode()
    assert 'data-panel="household"' in page and "household-empty" in page
    assert "target-group-hints" not in page

    response = client.post(add_url(case), form_data(), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(case_url(case) + "#panel-household")
    assert 'data-testid="household-children"' in page and "Haddad, Lina" in page
    assert "target-group-hints" in page  # the § 25b hint: four years with a minor child
    row = HouseholdChild.objects.get()
    assert row.recorded_by == office.worker_a

    # Bad input: a translated message, nothing written.
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = client.post(
        add_url(case), form_data(given_names="Sami", birth_date=tomorrow), follow=True
    ).content.decode()
    assert "Das Geburtsdatum kann nicht in der Zukunft liegen" in page
    assert HouseholdChild.objects.count() == 1

    response = client.post(remove_url(case, row.child_id), follow=True)
    page = response.content.decode()
    assert not HouseholdChild.objects.exists()
    assert "target-group-hints" not in page and "household-empty" in page


def test_a_child_filed_with_the_case_is_listed_and_can_be_picked(client, office):
    case = tolerated_case(office, 5)
    kid = PersonFactory(family_name="Haddad", given_names="Omar", birth_date=dt.date(2019, 2, 2))
    filed = WorkflowCaseFactory(
        person=kid,
        case_type=case.case_type,
        filed_with=case,
        family_relation=FamilyRelation.CHILD,
    )
    client.force_login(office.worker_a)
    page = client.get(case_url(case)).content.decode()
    assert "Haddad, Omar" in page and filed.file_number in page
    assert f'<option value="{kid.pk}">' in page

    client.post(add_url(case), {"household-child": str(kid.pk)})
    assert HouseholdChild.objects.get().child == kid


def test_the_service_point_sees_no_forms_and_may_not_post(client, office):
    case = tolerated_case(office, 5)
    row, _known = services.add_household_child(
        case=case, user=office.worker_a, new_child=new_child()
    )
    viewer = member(office.dept_a, Role.CASEWORKER)
    client.force_login(viewer)
    assert "household-form" in client.get(case_url(case)).content.decode()
    client.force_login(office.counter)  # the case is not at the Service Point's steps
    assert client.get(case_url(case)).status_code == 404
    assert client.post(add_url(case), form_data(given_names="X")).status_code == 404
    assert client.post(remove_url(case, row.child_id)).status_code == 404
    assert HouseholdChild.objects.count() == 1


def test_a_caseworker_of_another_department_can_neither_see_nor_change_the_household(
    client, office
):
    case = tolerated_case(office, 5)
    row, _known = services.add_household_child(
        case=case, user=office.worker_a, new_child=new_child()
    )
    history = CaseHistory.objects.count()
    persons = Person.objects.count()
    for intruder in (office.worker_b, member(office.dept_b, Role.SUPERVISOR)):
        client.force_login(intruder)
        response = client.get(case_url(case))
        assert response.status_code == 404 and b"Lina" not in response.content
        assert client.post(add_url(case), form_data(given_names="Sami")).status_code == 404
        assert client.post(remove_url(case, row.child_id)).status_code == 404
        assert client.get(add_url(case)).status_code in (404, 405)
        assert client.get(remove_url(case, row.child_id)).status_code in (404, 405)
    assert list(HouseholdChild.objects.values_list("pk", flat=True)) == [row.pk]
    assert CaseHistory.objects.count() == history and Person.objects.count() == persons


def test_a_viewer_of_a_share_reads_but_does_not_change(client, office):
    case = tolerated_case(office, 5)
    services.share_case(
        case=case,
        user=office.supervisor_a,
        grantee_user=office.worker_b,
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    client.force_login(office.worker_b)
    page = client.get(case_url(case)).content.decode()
    assert 'data-panel="household"' in page and "household-form" not in page
    response = client.post(add_url(case), form_data())
    assert response.status_code == 403
    assert not HouseholdChild.objects.exists()


# -- a double click (PostgreSQL: two real connections) ----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_clicks_record_one_child_and_one_person():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent connections)")
    office = build_office()
    case = tolerated_case(office, 5)
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        try:
            barrier.wait(timeout=30)
            services.add_household_child(case=case, user=office.worker_a, new_child=new_child())
            outcomes.append("recorded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["recorded", "refused"]
    assert HouseholdChild.objects.filter(person=case.person).count() == 1
    assert Person.objects.filter(given_names="Lina").count() == 1
    assert CaseHistory.objects.filter(transition=HistoryEvent.HOUSEHOLD_CHILD_ADDED).count() == 1
