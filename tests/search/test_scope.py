"""The policy's scope as values (what search engines filter on) equals its answer for each
case and its queryset, and it is what Elasticsearch gets as a filter inside every query (query
bodies built offline, no server)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from guardian.shortcuts import assign_perm

from casework.constants import OFFICE_ADMIN_GROUP, Role
from casework.models import Case
from casework.policy import CaseScope as Scope
from casework.policy import policy_for
from casework.selectors import cases_visible_to
from search import names
from search.backends.base import SearchFilters
from search.models import CaseIndexEntry
from tests.casework.factories import (
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db


def resolve_scope(user):
    return policy_for(user).scope()


def scoped_ids(user):
    condition = resolve_scope(user).q()
    qs = (
        CaseIndexEntry.objects.all()
        if condition is None
        else CaseIndexEntry.objects.filter(condition)
    )
    return set(qs.values_list("case_id", flat=True))


def visible_ids(user):
    """The queryset's answer, checked against the policy's answer for each case."""
    ids = set(cases_visible_to(user).values_list("pk", flat=True))
    policy = policy_for(user)
    assert ids == {case.pk for case in Case.objects.all() if policy.may_view(case)}
    return ids


@pytest.fixture
def register(office, shevchenko_cases):
    checked = WorkflowCaseFactory(
        case_type=office["type_b"], person=PersonFactory(family_name="Kovalenko"), checked=True
    )
    from search.backends import get_search_backend

    get_search_backend().rebuild()
    return {**shevchenko_cases, "checked": checked}


def test_scope_equals_the_policys_other_answers(office, register):
    service_point = MembershipFactory(department=office["dept_a"], role=Role.SERVICE_POINT).user
    admin = UserFactory(username="amtsleitung")
    admin.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    shared = UserFactory(username="shared")
    assign_perm("casework.view_case", shared, register["hidden"])
    expired = UserFactory(username="expired")
    assign_perm("casework.view_case", expired, register["shevchuk"])
    from casework.models import CaseUserObjectPermission

    CaseUserObjectPermission.objects.filter(user=expired).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    users = [office["worker_a"], office["worker_b"], office["boss"], service_point, admin]
    users += [shared, expired, UserFactory(username="nobody")]
    for user in users:
        assert scoped_ids(user) == visible_ids(user), user.username
    assert resolve_scope(admin).everything
    assert resolve_scope(shared).case_ids == (register["hidden"].pk,)
    assert resolve_scope(expired).is_empty
    assert resolve_scope(service_point).states


@pytest.fixture
def es_backend():
    pytest.importorskip("elasticsearch")
    from search.backends.elasticsearch import ElasticsearchCaseSearchBackend

    # The client connects lazily: building query bodies needs no server.
    return ElasticsearchCaseSearchBackend({"URL": "http://127.0.0.1:9", "INDEX": "test"})


def _filters(body):
    return body["query"]["bool"]["filter"]


def test_elasticsearch_queries_carry_the_permission_filter(es_backend):
    scope = Scope(department_ids=(3, 4), case_ids=(17,))
    visibility = {
        "bool": {
            "should": [{"terms": {"department_id": [3, 4]}}, {"terms": {"case_id": [17]}}],
            "minimum_should_match": 1,
        }
    }
    filters = SearchFilters(state="received", nationality="UKR")
    parsed = names.parse_query("Olena Shevchenko")
    searches = es_backend.candidate_bodies(parsed, ["Mietvertrag"], scope, filters)
    assert [kind for kind, _ in searches].count("text") == 1
    assert [kind for kind, _ in searches].count("name") >= 3
    rest = es_backend.rest_matches(["Mietvertrag"], [5, 6], scope, filters)
    bodies = [body for _, body in searches]
    bodies += [rest._rest().to_dict(), rest._all().to_dict()]
    for body in bodies:
        assert visibility in _filters(body)
        assert {"term": {"state": "received"}} in _filters(body)
        assert {"term": {"nationality": "UKR"}} in _filters(body)
    assert searches[-1][1]["track_total_hits"] is True
    assert {"bool": {"must_not": [{"terms": {"case_id": [5, 6]}}]}} in _filters(bodies[-2])


def test_elasticsearch_scope_everything_and_nothing(es_backend):
    def text_body(scope):
        searches = es_backend.candidate_bodies(names.parse_query(""), ["Mietvertrag"], scope, None)
        return dict(searches)["text"]

    everything = text_body(Scope(everything=True))
    assert "filter" not in everything["query"].get("bool", {})
    nothing = text_body(Scope())
    assert {"match_none": {}} in _filters(nothing)
