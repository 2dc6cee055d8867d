"""The back office in the Wagtail admin: worklists, the case file and its actions."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone, translation

from casework import services
from casework.constants import CaseState, Channel
from casework.exceptions import ConcurrentChange
from casework.models import (
    Case,
    CaseAccessLog,
    CaseComment,
    CaseDocument,
    CaseHistory,
)
from casework.worklists import WorklistFilters, worklist

from .backoffice import build_office, case_with_documents, member
from .factories import PersonFactory, UserFactory, WorkflowCaseFactory, valid_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


def _case_url(case, name="casework:case", *args):
    return reverse(name, args=[case.file_number, *args])


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_worklist_lists_own_department_oldest_receipt_first(client, office):
    now = timezone.now()
    newer = WorkflowCaseFactory(case_type=office.type_a, received_at=now - dt.timedelta(days=1))
    older = WorkflowCaseFactory(case_type=office.type_a, received_at=now - dt.timedelta(days=9))
    other = WorkflowCaseFactory(case_type=office.type_b, received_at=now - dt.timedelta(days=20))
    client.force_login(office.worker_a)
    response = client.get(reverse("casework:worklist"))
    assert response.status_code == 200
    listed = list(response.context["page_obj"].object_list)
    assert listed == [older, newer]
    assert other.file_number not in response.content.decode()


def test_my_cases_lists_only_cases_assigned_to_me(client, office):
    mine = WorkflowCaseFactory(case_type=office.type_a, assigned_to=office.worker_a)
    WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_a)
    response = client.get(reverse("casework:mine"))
    assert list(response.context["page_obj"].object_list) == [mine]


def test_worklist_filters_by_state_and_hides_closed_cases_by_default(client, office):
    received = WorkflowCaseFactory(case_type=office.type_a)
    checked = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    WorkflowCaseFactory(case_type=office.type_a, refused=True)
    client.force_login(office.worker_a)
    default = client.get(reverse("casework:worklist"))
    assert set(default.context["page_obj"].object_list) == {received, checked}
    paged = client.get(reverse("casework:worklist"), {"p": "1"})
    assert set(paged.context["page_obj"].object_list) == {received, checked}
    only_checked = client.get(reverse("casework:worklist"), {"state": CaseState.CHECKED})
    assert list(only_checked.context["page_obj"].object_list) == [checked]


def test_worklist_rejects_a_reversed_date_range_with_a_message(client, office):
    WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_a)
    response = client.get(
        reverse("casework:worklist"),
        {"received_from": "2026-05-01", "received_to": "2026-04-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert [m.level for m in response.context["messages"]] == [messages.ERROR]


def test_overdue_lists_past_deadlines_and_stale_cases_only(client, office):
    now = timezone.now()
    documents = [("p", "P")]
    late = WorkflowCaseFactory(
        case_type=office.type_a, documents=documents, documents_requested=True
    )
    # low-level: the deadline has passed meanwhile (the service takes future deadlines only)
    CaseDocument.objects.filter(case=late).update(
        due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    WorkflowCaseFactory(
        case_type=office.type_a,
        documents=documents,
        documents_requested=True,
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    stale = WorkflowCaseFactory(case_type=office.type_a, received_at=now - dt.timedelta(days=90))
    WorkflowCaseFactory(case_type=office.type_a, received_at=now - dt.timedelta(days=2))
    client.force_login(office.worker_a)
    response = client.get(reverse("casework:overdue"))
    assert set(response.context["page_obj"].object_list) == {late, stale}


def test_worklist_is_one_query(office, django_assert_num_queries):
    for _ in range(3):
        WorkflowCaseFactory(case_type=office.type_a, assigned_to=office.worker_a)
    qs = worklist(office.worker_a, filters=WorklistFilters(overdue=False))
    with django_assert_num_queries(1):
        rows = list(qs)
        [(c.person.family_name, c.case_type.code, c.assigned_to.username) for c in rows]


def test_case_file_shows_transitions_with_reasons_and_logs_access(client, office):
    case = case_with_documents(case_type=office.type_a)
    client.force_login(office.worker_a)
    response = client.get(_case_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    check = next(t for t in response.context["transitions"] if t["option"].name == "check")
    assert not check["option"].allowed
    assert any("Passport" in str(r) for r in check["option"].reasons)
    assert 'data-transition="check"' in html and "disabled" in html
    assert CaseAccessLog.objects.filter(
        case=case, user=office.worker_a, route="backoffice"
    ).exists()


def test_a_case_filed_online_opens_and_names_the_online_application_as_actor(client, office):
    """The receipt of an online application has no staff member: the case file must still
    open, and its history names the channel as the actor."""
    case = services.create_case(
        person=PersonFactory(), case_type=office.type_a, channel=Channel.ONLINE, user=None
    )
    client.force_login(office.worker_a)
    response = client.get(_case_url(case))
    assert response.status_code == 200
    (row,) = CaseHistory.objects.filter(case=case)
    assert row.by is None
    with translation.override("de"):
        assert row.actor == "Online-Antrag"
    history = response.content.decode().split('id="history"', 1)[1].split("</section>", 1)[0]
    assert "<td>Online-Antrag</td>" in history


def test_firing_a_transition_by_post_moves_the_case_and_writes_history(client, office):
    case = case_with_documents(case_type=office.type_a, received=True)
    client.force_login(office.worker_a)
    response = client.post(
        _case_url(case, "casework:transition", "check"),
        {
            "t-check-state": CaseState.RECEIVED,
            "t-check-note": "alles da",
            "t-check-granted_until": valid_until().isoformat(),
        },
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED
    assert CaseHistory.objects.filter(case=case, transition="check").count() == 1
    levels = [m.level for m in response.context["messages"]]
    assert levels == [messages.SUCCESS]


def _produced_case_with_delivered_card(case_type):
    return WorkflowCaseFactory(case_type=case_type, produced=True, card_delivered=True)


def test_service_point_after_the_hand_over_gets_a_confirmation_not_a_404(client, office):
    """Handed over, the case leaves the Service Point's sight: it lands on its worklist with
    a message naming the case."""
    case = _produced_case_with_delivered_card(office.type_b)
    client.force_login(office.counter)
    response = client.post(
        _case_url(case, "casework:transition", "hand_over"),
        {"t-hand_over-state": CaseState.PRODUCED, "t-hand_over-collected_by": "Olena Shevchenko"},
    )
    assert response.status_code == 302
    assert response.url == reverse("casework:worklist")
    page = client.get(response.url)
    assert page.status_code == 200
    (message,) = _messages(page)
    assert case.file_number in message and "Ausgehändigt" in message
    case.refresh_from_db()
    assert case.state == CaseState.HANDED_OVER
    # The caseworker of the department still sees the case and is sent back to it as before.
    other = _produced_case_with_delivered_card(office.type_b)
    client.force_login(office.worker_b)
    assert client.post(
        _case_url(other, "casework:transition", "withdraw"), {"t-withdraw-state": "produced"}
    ).url == _case_url(other)


def test_a_case_moved_out_of_sight_meanwhile_sends_the_user_to_the_worklist(client, office):
    case = _produced_case_with_delivered_card(office.type_b)
    client.force_login(office.counter)
    # A colleague hands the card over while this request is on its way: it read the case
    # before, its transition fails as a concurrent change.
    stale = Case.objects.get(pk=case.pk)
    services.fire_transition(
        case=case, user=office.counter, transition="hand_over", data={"collected_by": "X"}
    )
    with mock.patch("casework.views.selectors.get_visible_case", return_value=stale):
        response = client.post(
            _case_url(case, "casework:transition", "hand_over"),
            {"t-hand_over-state": CaseState.PRODUCED, "t-hand_over-collected_by": "Y"},
        )
    assert response.url == reverse("casework:worklist")
    page = client.get(response.url)
    assert page.status_code == 200
    assert any(case.file_number in message for message in _messages(page))


def test_a_double_post_of_the_same_transition_fires_once(client, office):
    case = case_with_documents(case_type=office.type_a, received=True)
    history_before = CaseHistory.objects.filter(case=case).exclude(transition="letter_sent").count()
    client.force_login(office.worker_a)
    url = _case_url(case, "casework:transition", "check")
    payload = {
        "t-check-state": CaseState.RECEIVED,
        "t-check-granted_until": valid_until().isoformat(),
    }
    client.post(url, payload)
    second = client.post(url, payload, follow=True)
    assert (
        CaseHistory.objects.filter(case=case).exclude(transition="letter_sent").count()
        == history_before + 1
    )
    assert any("changed meanwhile" in m or "zwischenzeitlich" in m for m in _messages(second))


def test_a_transition_the_guards_refuse_changes_nothing_and_says_why(client, office):
    case = case_with_documents(case_type=office.type_a)
    client.force_login(office.worker_a)
    response = client.post(
        _case_url(case, "casework:transition", "check"),
        {"t-check-state": CaseState.RECEIVED, "t-check-granted_until": valid_until().isoformat()},
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert any("Passport" in m for m in _messages(response))


def test_a_hearing_without_grounds_is_a_form_error_and_changes_nothing(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_a)
    response = client.post(
        _case_url(case, "casework:transition", "intend_refusal"),
        {"t-intend_refusal-state": CaseState.RECEIVED, "t-intend_refusal-grounds": "  "},
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert _messages(response)


def test_a_concurrent_change_shows_a_clear_conflict_message(client, office, monkeypatch):
    case = WorkflowCaseFactory(case_type=office.type_a)

    def lose_the_race(**kwargs):
        raise ConcurrentChange

    monkeypatch.setattr(services, "fire_transition", lose_the_race)
    client.force_login(office.worker_a)
    response = client.post(
        _case_url(case, "casework:transition", "withdraw"),
        {"t-withdraw-state": CaseState.RECEIVED},
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert any("at the same time" in m or "gleichzeitig" in m for m in _messages(response))


def test_adding_a_comment(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_a)
    client.post(_case_url(case, "casework:comment"), {"text": "Rückruf vereinbart"})
    assert CaseComment.objects.get(case=case).text == "Rückruf vereinbart"
    client.post(_case_url(case, "casework:comment"), {"text": "   "})
    assert CaseComment.objects.filter(case=case).count() == 1


def test_marking_a_document_received(client, office):
    case = case_with_documents(case_type=office.type_a)
    client.force_login(office.worker_a)
    client.post(_case_url(case, "casework:document"), {"code": "passport", "received": "on"})
    assert CaseDocument.objects.get(case=case, code="passport").received


def test_supervisor_sees_the_access_log_and_caseworker_does_not(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_a)
    as_worker = client.get(_case_url(case))
    assert as_worker.context["access_log"] is None
    assert 'id="access-log"' not in as_worker.content.decode()
    client.force_login(office.supervisor_a)
    as_supervisor = client.get(_case_url(case))
    html = as_supervisor.content.decode()
    assert 'id="access-log"' in html
    assert "worker_a" in html


def test_service_point_sees_no_address_or_history_of_the_person(client, office):
    person = PersonFactory(street="Geheimweg 7", town="Hilden")
    case = WorkflowCaseFactory(case_type=office.type_b, person=person, checked=True)
    services.add_comment(case=case, user=office.worker_b, text="interne Notiz")
    client.force_login(office.counter)
    response = client.get(_case_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert person.family_name in html
    assert "Geheimweg" not in html
    assert "interne Notiz" not in html


def test_supervisor_bulk_reassigns_and_caseworker_may_not(client, office):
    cases = [WorkflowCaseFactory(case_type=office.type_a) for _ in range(2)]
    other = member(office.dept_a, user__username="worker_a2")
    client.force_login(office.worker_a)
    denied = client.post(
        reverse("casework:bulk_reassign"),
        {"cases": [c.pk for c in cases], "assignee": other.pk},
    )
    assert denied.status_code == 403
    client.force_login(office.supervisor_a)
    client.post(
        reverse("casework:bulk_reassign"),
        {"cases": [c.pk for c in cases], "assignee": other.pk},
    )
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("assigned_to", flat=True)
    ) == {other.pk}


def test_workflow_diagram_page_renders_the_svg(client, office):
    client.force_login(office.worker_a)
    response = client.get(reverse("casework:workflow"))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_editor_without_membership_sees_no_cases_menu_and_gets_403(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    from django.contrib.auth.models import Permission

    editor = UserFactory(username="editor_x")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert '"name": "cases"' not in home.content.decode()
    assert 'id="casework-summary' not in home.content.decode()
    assert client.get(reverse("casework:worklist")).status_code == 403
    assert client.get(_case_url(case)).status_code == 403
    assert not CaseAccessLog.objects.exists()


def test_caseworker_menu_has_cases_and_no_page_editing(client, office):
    client.force_login(office.worker_a)
    home = client.get(reverse("wagtailadmin_home"))
    html = home.content.decode()
    assert '"name": "cases"' in html
    assert 'id="casework-summary' in html
    for hidden in ("explorer", "images", "documents", "snippets", "reports"):
        assert f'"name": "{hidden}"' not in html


def test_worklist_counts_cases_per_state_for_the_filter_links(client, office):
    WorkflowCaseFactory(case_type=office.type_a)
    WorkflowCaseFactory(case_type=office.type_a, checked=True)
    WorkflowCaseFactory(case_type=office.type_a, checked=True)
    WorkflowCaseFactory(case_type=office.type_b, checked=True)
    client.force_login(office.worker_a)
    response = client.get(reverse("casework:worklist"))
    counts = {item["value"]: item["count"] for item in response.context["by_state"]}
    assert counts[CaseState.CHECKED] == 2
    assert counts[CaseState.RECEIVED] == 1
    assert counts[CaseState.REFUSED] == 0


def test_service_point_worklist_spans_departments_at_its_steps(client, office):
    at_counter = WorkflowCaseFactory(case_type=office.type_b, biometrics=True)
    WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.counter)
    response = client.get(reverse("casework:worklist"))
    assert list(response.context["page_obj"].object_list) == [at_counter]
    departments = set(response.context["form"].fields["department"].queryset)
    assert {office.dept_a, office.dept_b} <= departments


def test_supervisor_shares_a_case_until_a_date_and_the_grantee_can_open_it(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.worker_b)
    assert client.get(_case_url(case)).status_code == 404
    client.force_login(office.supervisor_a)
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    client.post(
        _case_url(case, "casework:share"),
        {"grantee_user": office.worker_b.pk, "expires_at": until},
    )
    client.force_login(office.worker_b)
    assert client.get(_case_url(case)).status_code == 200
    # a caseworker may not share
    client.force_login(office.worker_a)
    response = client.post(
        _case_url(case, "casework:share"),
        {"grantee_user": office.counter.pk, "expires_at": until},
    )
    assert response.status_code == 403


def test_the_case_file_names_the_family_filed_together_and_the_id_card(client, office):
    """A § 24 family: each person has a case; each case file lists the others, linked where
    the caseworker may open them."""
    main = services.create_case(
        person=PersonFactory(id_card_number="001234567"),
        case_type=office.type_a,
        channel=Channel.ONLINE,
    )
    child = services.create_case(
        person=PersonFactory(),
        case_type=office.type_a,
        channel=Channel.ONLINE,
        filed_with=main,
        family_relation="child",
    )
    elsewhere = services.create_case(
        person=PersonFactory(),
        case_type=office.type_b,
        channel=Channel.ONLINE,
        filed_with=main,
        family_relation="parent",
    )
    client.force_login(office.worker_a)  # the back office speaks German
    html = client.get(_case_url(main)).content.decode()
    assert "001234567" in html
    family = html.split('data-testid="family"', 1)[1].split("</dd>", 1)[0]
    assert f'href="{_case_url(child)}"' in family and "Kind" in family
    assert elsewhere.file_number in family and _case_url(elsewhere) not in family
    html = client.get(_case_url(child)).content.decode()
    assert "Verwandtschaft zur Hauptantragstellerin" in html
    family = html.split('data-testid="family"', 1)[1].split("</dd>", 1)[0]
    assert main.file_number in family and "Hauptantragsteller/in" in family
