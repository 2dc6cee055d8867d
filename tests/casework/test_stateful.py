"""Random users fire random transitions and edits; no illegal state or unauthorised change.

A Hypothesis rule-based state machine drives one case through the service layer as any of the
eight kinds of user and checks after every step that

- a refused step changed nothing (state, history, fees, biometrics),
- a step that went through was permitted to that user's roles, from a source state, and wrote
  exactly one history row,
- the history is an unbroken chain from "received" to the current state and never leaves a
  final state.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from casework import services
from casework.constants import FINAL_STATES, OFFICE_ADMIN_GROUP, CaseState, PhotoSource, Role
from casework.exceptions import TransitionNotAllowed
from casework.models import CardOrder, Case, CaseHistory, RequiredDocument
from casework.policy import case_roles
from casework.workflow import CASE_WORKFLOWS, PARTICIPATION_WORKFLOW

from .factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    ParticipationKindFactory,
    PersonFactory,
    UserFactory,
)
from .test_workflow import WORKFLOW_FULL_DATA

ACTORS = [
    "caseworker_own",
    "caseworker_other",
    "service_point",
    "supervisor_own",
    "supervisor_other",
    "editor",
    "office_admin",
    "anonymous",
]
WATCHED = (
    "state",
    "fee_due_cents",
    "fee_paid_cents",
    "photo_source",
    "biometrics_taken_at",
    "refusal_reason",
    "forwarded_to",
    "assigned_to_id",
)
EXPECTED_ERRORS = (PermissionDenied, TransitionNotAllowed, ValidationError)
#: Every kind of user, with the two that work on most steps drawn more often so that random
#: runs also get deep into the workflow.
actors = st.sampled_from(ACTORS + ["caseworker_own", "service_point"] * 3)
MAIN_LINE = ("check", "take_biometrics", "order_card", "hand_over", "documents_received",
             "production_failed", "reorder", "print_certificate", "complete_documents",
             "record_certificates", "give_assurance")  # fmt: skip


def snapshot(case_id: int) -> dict:
    return Case.objects.filter(pk=case_id).values(*WATCHED).get()


class CaseMachine(RuleBasedStateMachine):
    """One case of the workflow ``key`` (a subclass per workflow: :func:`machine_for`)."""

    key = "eat"

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        own, other = DepartmentFactory(code="own"), DepartmentFactory(code="other")
        counter = DepartmentFactory(code="sp", handles_cases=False)
        admin = UserFactory()
        admin.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
        self.users = {
            "caseworker_own": MembershipFactory(department=own, role=Role.CASEWORKER).user,
            "caseworker_other": MembershipFactory(department=other, role=Role.CASEWORKER).user,
            "service_point": MembershipFactory(department=counter, role=Role.SERVICE_POINT).user,
            "supervisor_own": MembershipFactory(department=own, role=Role.SUPERVISOR).user,
            "supervisor_other": MembershipFactory(department=other, role=Role.SUPERVISOR).user,
            "editor": UserFactory(),
            "office_admin": admin,
            "anonymous": AnonymousUser(),
        }
        self.workflow = CASE_WORKFLOWS.get(self.key)
        if self.key == "eat":
            case_type = CaseTypeFactory(chancen=True, department=own)
            # The Federal Employment Agency takes part (deemed consent after 14 days).
            ParticipationKindFactory(case_types=[case_type])
        else:
            case_type = CaseTypeFactory(
                code=self.key, workflow=self.key, department=own, fee_title_cents=0
            )
        RequiredDocument.objects.create(case_type=case_type, code="photo", name="Photo")
        self.case = services.create_case(
            person=PersonFactory(), case_type=case_type, channel="online"
        )
        self.steps = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _attempt(self, actor: str, write) -> bool:
        """Run a write; on an expected refusal check that nothing changed."""
        before = snapshot(self.case.pk)
        history = (
            CaseHistory.objects.filter(case=self.case).exclude(transition="letter_sent").count()
        )
        try:
            write(self.users[actor])
        except EXPECTED_ERRORS:
            assert snapshot(self.case.pk) == before
            assert (
                CaseHistory.objects.filter(case=self.case).exclude(transition="letter_sent").count()
                == history
            )
            return False
        return True

    @rule(
        actor=actors,
        # Every workflow's transitions: those of another workflow must be refused too.
        name=st.sampled_from(sorted(CASE_WORKFLOWS.transition_names())),
        with_inputs=st.booleans(),
    )
    def fire(self, actor, name, with_inputs):
        user = self.users[actor]
        source = self.case.state
        roles = case_roles(user, self.case)
        history = (
            CaseHistory.objects.filter(case=self.case).exclude(transition="letter_sent").count()
        )
        data = WORKFLOW_FULL_DATA[self.key].get(name, {}) if with_inputs else {}
        done = self._attempt(
            actor,
            lambda u: services.fire_transition(case=self.case, user=u, transition=name, data=data),
        )
        if done:
            t = self.workflow.transition(name)
            assert source in t.sources
            assert roles & t.permission, (actor, name, roles)
            assert snapshot(self.case.pk)["state"] == t.target == self.case.state
            assert (
                CaseHistory.objects.filter(case=self.case).exclude(transition="letter_sent").count()
                == history + 1
            )
            self.steps += 1

    @rule(data=st.data())
    def advance(self, data):
        """A permitted user does what the next main-line step needs, then fires it."""
        names = [t.name for t in self.workflow.transitions_from(self.case.state)]
        names = [name for name in names if name in MAIN_LINE]
        if not names:
            return
        name = data.draw(st.sampled_from(names))
        permitted = [
            actor
            for actor in ACTORS
            if self.workflow.is_permitted(name, self.users[actor], self.case)
        ]

        def before_check(actor):
            self.documents_arrive(actor)
            self.answer_participation(actor, "consent")

        prepare = {
            "check": before_check,
            "complete_documents": self.documents_arrive,
            "take_biometrics": self.biometrics,
            "order_card": self.grant_and_pay,
            "reorder": lambda actor: self.pay(actor, "rest"),
            "hand_over": self.card_arrives if self.key == "eat" else None,
        }
        if prepare.get(name) is not None:
            prepare[name](data.draw(st.sampled_from(permitted)))
        self.fire(actor=data.draw(st.sampled_from(permitted)), name=name, with_inputs=True)

    @rule(
        actor=actors,
        cents=st.one_of(st.just("rest"), st.integers(min_value=-100, max_value=20000)),
    )
    def pay(self, actor, cents):
        if cents == "rest":
            cents = max(self.case.fee_due_cents - self.case.fee_paid_cents, 0)
        self._attempt(
            actor,
            lambda u: services.record_fee_payment(case=self.case, user=u, amount_cents=cents),
        )

    @rule(actor=actors)
    def biometrics(self, actor):
        self._attempt(
            actor,
            lambda u: services.record_biometrics(
                case=self.case, user=u, photo_source=PhotoSource.ON_SITE
            ),
        )

    @rule(actor=actors)
    def documents_arrive(self, actor):
        self._attempt(
            actor,
            lambda u: services.mark_document_received(case=self.case, user=u, code="photo"),
        )

    @rule(actor=actors)
    def card_arrives(self, actor):
        self._attempt(actor, lambda u: services.record_card_delivered(case=self.case, user=u))

    @rule(actor=actors)
    def record_25a_25b(self, actor):
        self._attempt(
            actor,
            lambda u: services.update_case(
                case=self.case, user=u, changes={"checked_25a": True, "checked_25b": True}
            ),
        )

    @rule(actor=actors)
    def answer_hearing(self, actor):
        self._attempt(
            actor,
            lambda u: services.record_hearing_answer(
                case=self.case, user=u, answer="Stellungnahme", via="letter"
            ),
        )

    @rule(actor=actors)
    def approve_notice(self, actor):
        notice = self.case.notices.filter(status="drafted").first()
        if notice is not None:
            self._attempt(actor, lambda u: services.approve_notice(notice=notice, user=u))

    @rule(actor=actors, answer=st.sampled_from(["consent", "refuse", "cancel"]))
    def answer_participation(self, actor, answer):
        """An authority's answer recorded (or the request cancelled): the department's
        deciders only, once per participation."""
        participation = self.case.participations.filter(status="requested").first()
        if participation is None:
            return
        roles = case_roles(self.users[actor], self.case)
        done = self._attempt(
            actor,
            lambda u: services.answer_participation(
                participation=participation, user=u, answer=answer, text="Az. 1"
            ),
        )
        if done:
            assert roles & PARTICIPATION_WORKFLOW.transition(answer).permission, (actor, roles)

    @rule(days=st.integers(min_value=0, max_value=30))
    def worker_runs(self, days):
        """The background worker runs some days later (perhaps after missing some)."""
        with time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False):
            services.deem_due_participations()

    @rule(actor=actors)
    def issue_notice(self, actor):
        notice = self.case.notices.filter(kind="grant").exclude(status="discarded").last()
        if notice is not None:
            self._attempt(actor, lambda u: services.issue_notice(notice=notice, user=u))

    @rule(actor=actors)
    def draft_grant_notice(self, actor):
        self._attempt(actor, lambda u: services.draft_grant_notice(case=self.case, user=u))

    def grant_and_pay(self, actor):
        """Before the card: the supervisor approves the grant notice, the caseworker issues
        it (each may be refused: the draft may be missing or issued already)."""
        self.approve_notice("supervisor_own")
        self.issue_notice("caseworker_own")
        self.pay(actor, "rest")

    @rule()
    def reload(self):
        self.case = Case.objects.get(pk=self.case.pk)

    @invariant()
    def history_is_an_unbroken_chain(self):
        rows = list(CaseHistory.objects.filter(case=self.case).order_by("at", "id"))
        assert rows[0].from_state == "" and rows[0].to_state == CaseState.RECEIVED
        # Rows of changes that are no transition (field changes) keep the state.
        chain = [rows[0], *(r for r in rows[1:] if r.transition in self.workflow.transitions)]
        assert all(r.from_state == r.to_state for r in rows[1:] if r not in chain)
        for previous, row in zip(chain, chain[1:], strict=False):
            assert row.from_state == previous.to_state
            assert previous.to_state not in FINAL_STATES
            t = self.workflow.transition(row.transition)
            assert row.from_state in t.sources and row.to_state == t.target
        assert chain[-1].to_state == snapshot(self.case.pk)["state"]
        assert len(chain) == self.steps + 1

    @invariant()
    def no_refusal_without_hearing_and_four_eyes(self):
        """A refused case was heard first, and its notice was issued as a second person
        approved it; an approver never drafted the notice."""
        for notice in self.case.notices.all():
            if notice.approved_by_id is not None:
                assert notice.approved_by_id != notice.drafted_by_id
        if snapshot(self.case.pk)["state"] == CaseState.REFUSED:
            steps = list(
                CaseHistory.objects.filter(case=self.case)
                .order_by("at", "id")
                .values_list("transition", flat=True)
            )
            assert "intend_refusal" in steps
            assert steps.index("intend_refusal") < steps.index("refuse")
            issued = self.case.notices.get(kind="refusal", status="issued")
            assert issued.approved_by_id and issued.sha256 and issued.file

    @invariant()
    def no_decision_before_the_other_authorities(self):
        """ "Checked" only once every authority asked before consented or its consent was
        deemed given; each participation answered at most once, a deemed one by no person."""
        # In the order written (the worker's rows carry the later day it ran on).
        rows = list(CaseHistory.objects.filter(case=self.case).order_by("id"))
        answers = [r for r in rows if r.transition.startswith("participation_")]
        for participation in self.case.participations.all():
            if participation.status == "requested":
                assert participation.answered_at is None
        deemed = [r for r in answers if r.transition == "participation_deemed"]
        assert all(r.by_id is None for r in deemed)
        assert len(deemed) == self.case.participations.filter(status="deemed").count()
        for index, row in enumerate(rows):
            if row.transition != "check":
                continue
            asked = sum(r.transition == "participation_requested" for r in rows[:index])
            settled = sum(
                r.transition
                in ("participation_consented", "participation_deemed", "participation_cancelled")
                for r in rows[:index]
            )
            refused = sum(r.transition == "participation_refused" for r in rows[:index])
            assert settled == asked and refused == 0, (asked, settled, refused)

    @invariant()
    def no_card_without_an_issued_grant_notice(self):
        """A card is ordered only after the grant notice was approved by a second person and
        issued."""
        if CardOrder.objects.filter(case=self.case).exists():
            issued = self.case.notices.get(kind="grant", status="issued")
            assert issued.approved_by_id and issued.approved_by_id != issued.drafted_by_id
            assert issued.sha256

    @invariant()
    def fees_stay_within_bounds(self):
        values = snapshot(self.case.pk)
        assert 0 <= values["fee_paid_cents"] <= values["fee_due_cents"]


def machine_for(key: str) -> type[CaseMachine]:
    return type(f"CaseMachine_{key}", (CaseMachine,), {"key": key})


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(CASE_WORKFLOWS))
def test_random_users_and_transitions_never_reach_an_illegal_or_unauthorised_state(key):
    run_state_machine_as_test(
        machine_for(key),
        settings=settings(
            max_examples=10,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
