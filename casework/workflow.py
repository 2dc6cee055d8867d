"""The eAT case workflow, declared once.

Read this file like a Plone DCWorkflow definition: the roles, the guards (each returns the
reasons that stop a transition, in words a caseworker understands), the states with the fields
each role may still edit there, and the transitions with who may fire them, what they check and
which inputs they take, and the rows they write besides the case (``writes=``, in
:mod:`casework.effects`). :class:`casework.models.Case` binds it to its ``state`` field, which
turns every transition into a django-fsm ``@transition`` method ``Case.do_<name>``; the
services in :mod:`casework.services` are the only callers.

This module must not import the models (the models import it); guards use the case's
attributes only.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows import (
    Input,
    State,
    Transition,
    Workflow,
    WorkflowRegistry,
    participation_workflow,
    participations_settled,
)

from .constants import (
    COUNTER_LETTERS,
    NOTICES_NEEDING_APPROVAL,
    CardOrderStatus,
    CaseState,
    DuldungGround,
    HandOverRecord,
    Language,
    LanguageLevel,
    NoticeKind,
    NoticeStatus,
    Role,
)

__all__ = [
    "CASE_WORKFLOW",
    "CASE_WORKFLOWS",
    "DEFAULT_WORKFLOW",
    "DULDUNG_WORKFLOW",
    "CERTIFIERS",
    "DECIDERS",
    "HEARING_MIN_DAYS",
    "NOTICE_WORKFLOW",
    "OPEN_STATES",
    "PARTICIPATION_WORKFLOW",
    "ROLES",
    "add_years",
    "case_procedure",
    "hand_over_record",
    "is_chancen_case",
    "validate_workflow_key",
    "validity_date_missing",
]

# -- roles ---------------------------------------------------------------------------------
# The roles are one enum (casework.constants.Role); casework.policy says who holds which.
CASEWORKER = Role.CASEWORKER  # Sachbearbeitung of the case's department
SUPERVISOR = Role.SUPERVISOR  # Sachgebietsleitung of the case's department
SERVICE_POINT = Role.SERVICE_POINT  # any Service Point member, while the case is at its steps
OFFICE_ADMIN = Role.OFFICE_ADMIN  # office management / technical admin ("Manager")
VIEWER = Role.VIEWER  # unexpired share of this one case: reads, never changes

ROLES = tuple(Role)

DECIDERS = frozenset({CASEWORKER, SUPERVISOR, OFFICE_ADMIN})
#: Who may approve a notice drafted by someone else (four eyes).
APPROVERS = frozenset({SUPERVISOR, OFFICE_ADMIN})
#: Who issues a Fiktionsbescheinigung: those who decide, and the Service Point.
CERTIFIERS = DECIDERS | {SERVICE_POINT}
AT_THE_COUNTER = frozenset({SERVICE_POINT, CASEWORKER, SUPERVISOR, OFFICE_ADMIN})
HAND_OUT = frozenset({SERVICE_POINT, OFFICE_ADMIN})


def _open(states) -> tuple[str, ...]:
    return tuple(state.name for state in states if not state.final)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a year
    without it (``date.replace`` would raise)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def is_chancen_case(case: Any) -> bool:
    """§ 104c AufenthG (Chancen-Aufenthaltsrecht)."""
    case_type = case.case_type
    return case_type.code == "104c" or "104c" in case_type.legal_basis.replace(" ", "")


# -- guards: (case, user, data) -> reasons ---------------------------------------------------
# ``data`` is None when only the case's readiness is asked (to show a button); guards about
# the transition's inputs then stay silent.


def passport_valid(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """A valid identity document: the passport, or where the person has none, the national
    identity card recorded instead (a Ukrainian ID card for temporary protection)."""
    person = case.person
    if not person.passport_number and person.passport_valid_until is None and person.id_card_number:
        valid_until = person.id_card_valid_until
        if valid_until is None:
            return [_("identity card validity not recorded")]
        if valid_until < timezone.localdate():
            return [_("identity card expired on %(date)s") % {"date": valid_until.isoformat()}]
        return []
    valid_until = person.passport_valid_until
    if valid_until is None:
        return [_("passport validity not recorded")]
    if valid_until < timezone.localdate():
        return [_("passport expired on %(date)s") % {"date": valid_until.isoformat()}]
    return []


def documents_complete(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    missing = [doc.name for doc in case.documents.all() if not doc.received]
    if missing:
        return [_("missing: %(documents)s") % {"documents": ", ".join(missing)}]
    return []


def preferential_titles_checked(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """§ 104c is granted only when neither § 25a nor § 25b applies: both are checked first."""
    if data is None or not is_chancen_case(case):
        return []
    reasons = []
    if not (case.checked_25a or data.get("checked_25a")):
        reasons.append(_("§ 104c: record first that § 25a was checked"))
    if not (case.checked_25b or data.get("checked_25b")):
        reasons.append(_("§ 104c: record first that § 25b was checked"))
    return reasons


def validity_date_missing(case: Any) -> bool:
    """A title granted for a limited time needs its validity date: without it no reminder
    finds the holder and no ordinance continues the title."""
    return bool(case.case_type.limited_validity) and case.granted_until is None


def granted_until_plausible(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    until = (data or {}).get("granted_until")
    if not isinstance(until, dt.date):
        return []
    today = timezone.localdate()
    if until <= today:
        return [_("the new title must be valid beyond today")]
    limit = add_years(today, case.case_type.max_validity_years)
    if until > limit:
        return [
            _("a title of this type is valid for at most %(years)s years")
            % {"years": case.case_type.max_validity_years}
        ]
    return []


def deadline_in_future(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    due_on = (data or {}).get("due_on")
    if isinstance(due_on, dt.date) and due_on <= timezone.localdate():
        return [_("the deadline must be in the future")]
    return []


def fees_paid(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    open_cents = case.fee_due_cents - case.fee_paid_cents
    if open_cents > 0:
        return [
            _("fees not paid: %(amount)s EUR still due") % {"amount": f"{open_cents / 100:.2f}"}
        ]
    return []


def biometrics_taken(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    reasons = []
    if case.biometrics_taken_at is None:
        reasons.append(_("biometrics not taken yet"))
    if not case.photo_source:
        reasons.append(_("no photo yet"))
    return reasons


def card_delivered(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    orders = list(case.card_orders.all())
    if not orders or orders[-1].status != CardOrderStatus.DELIVERED:
        return [_("the card has not been delivered to the office yet")]
    return []


def belehrung_recorded(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """§ 104c (and other titles that require it): the Belehrung is handed over and recorded."""
    if data is None or not (case.case_type.requires_belehrung or is_chancen_case(case)):
        return []
    reasons = []
    if not data.get("belehrung_handed_over"):
        reasons.append(_("the Belehrung must be handed over and recorded for this title"))
    if not data.get("belehrung_language"):
        reasons.append(_("the language of the Belehrung is required"))
    return reasons


#: The least time a hearing gives the applicant to comment (usually two to four weeks).
HEARING_MIN_DAYS = 14


def hearing_deadline_reasonable(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    due_on = (data or {}).get("due_on")
    if not isinstance(due_on, dt.date):
        return []
    earliest = timezone.localdate() + dt.timedelta(days=HEARING_MIN_DAYS)
    if due_on < earliest:
        return [
            _("the applicant must have at least %(days)s days to comment (until %(date)s or later)")
            % {"days": HEARING_MIN_DAYS, "date": earliest.strftime("%d.%m.%Y")}
        ]
    return []


def _latest(items: Any) -> Any:
    rows = list(items.all())
    return rows[-1] if rows else None


def hearing_over(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """A refusal is drafted only once the applicant answered or the period to comment ended."""
    hearing = _latest(case.hearings)
    if hearing is None:
        return [_("the applicant has not been heard (§ 28 VwVfG)")]
    if not hearing.is_over():
        return [
            _(
                "the hearing runs until %(date)s and the applicant has not answered yet; "
                "record the answer or wait until the period has passed"
            )
            % {"date": hearing.due_on.strftime("%d.%m.%Y")}
        ]
    return []


def _open_notice(case: Any, kind: str) -> Any:
    notices = [
        n
        for n in case.notices.all()
        if n.kind == kind and n.status in (NoticeStatus.DRAFTED, NoticeStatus.APPROVED)
    ]
    return notices[-1] if notices else None


def refusal_notice_approved(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """Four eyes: the refusal goes out only as a notice a second person approved."""
    notice = _open_notice(case, NoticeKind.REFUSAL)
    if notice is None:
        return [_("there is no drafted refusal notice")]
    if notice.status != NoticeStatus.APPROVED:
        return [_("the refusal notice has not been approved by a second person yet")]
    return []


def grant_notice_issued(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """Four eyes on a grant too: the card is ordered only once the grant notice, approved by
    a second person, has been issued (its PDF frozen with the case)."""
    known = getattr(case, "has_decisions", True)
    notices = [n for n in case.notices.all() if n.kind == NoticeKind.GRANT] if known else []
    if any(n.status == NoticeStatus.ISSUED for n in notices):
        return []
    open_ = [n for n in notices if n.status in (NoticeStatus.DRAFTED, NoticeStatus.APPROVED)]
    if not open_:
        return [_("there is no grant notice: draft it in “Hearing and notices”")]
    if open_[-1].status == NoticeStatus.DRAFTED:
        return [_("the grant notice has not been approved by a second person yet")]
    return [_("the approved grant notice has not been issued yet")]


# -- the notice's own lifecycle ------------------------------------------------------------


def not_the_drafter(notice: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    if user is not None and notice.drafted_by_id == getattr(user, "pk", None):
        return [_("the person who drafted a notice cannot approve it (four eyes)")]
    return []


def certificates_only_at_the_counter(
    notice: Any, user: Any, data: Mapping[str, Any] | None
) -> list[str]:
    """The Service Point issues certificates (the Fiktionsbescheinigung) and the letter that
    the card is ready, never a notice that decides."""
    if notice.kind in COUNTER_LETTERS or user is None:
        return []
    if notice_roles_of(user, notice) & DECIDERS:
        return []
    return [_("only those who decide the case issue a notice")]


def notice_roles_of(user: Any, notice: Any) -> set[str]:
    return NOTICE_WORKFLOW.roles_of(user, notice)


def approved_if_required(notice: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    if notice.kind in NOTICES_NEEDING_APPROVAL and notice.status != NoticeStatus.APPROVED:
        return [_("the notice has not been approved by a second person yet")]
    return []


NOTICE_WORKFLOW = Workflow(
    name="notice",
    title=gettext_lazy("Notice"),
    states=[
        State(NoticeStatus.DRAFTED, gettext_lazy("Drafted")),
        State(NoticeStatus.APPROVED, gettext_lazy("Approved")),
        State(NoticeStatus.ISSUED, gettext_lazy("Issued"), final=True),
        State(NoticeStatus.DISCARDED, gettext_lazy("Discarded"), final=True),
    ],
    transitions=[
        Transition(
            name="approve",
            title=gettext_lazy("Approve notice"),
            sources=(NoticeStatus.DRAFTED,),
            target=NoticeStatus.APPROVED,
            permission=APPROVERS,
            guards=(not_the_drafter,),
        ),
        Transition(
            name="issue",
            title=gettext_lazy("Issue notice"),
            sources=(NoticeStatus.DRAFTED, NoticeStatus.APPROVED),
            target=NoticeStatus.ISSUED,
            # The Service Point only for certificates (its guard).
            permission=DECIDERS | {SERVICE_POINT},
            guards=(certificates_only_at_the_counter, approved_if_required),
        ),
        Transition(
            name="discard",
            title=gettext_lazy("Discard draft"),
            sources=(NoticeStatus.DRAFTED, NoticeStatus.APPROVED),
            target=NoticeStatus.DISCARDED,
            permission=DECIDERS,
        ),
    ],
    initial=NoticeStatus.DRAFTED,
    roles="casework.policy.notice_roles",
    state_attr="status",
)


# -- participations of other authorities -------------------------------------------------
# Which authorities take part follows from the case type (``ParticipationKind.case_types``,
# kept by office management); each participation runs its own lifecycle beside the case.
# Entering "received" opens the ones the case still needs (services: on receipt too); the
# decision ("check") waits until each is answered with consent or deemed given.

PARTICIPATION_WORKFLOW = participation_workflow(
    answer=DECIDERS,
    roles="casework.policy.participation_roles",
)


def _participations(case: Any) -> Any:
    # The case file reads them only for cases that have any (``has_participations``).
    if getattr(case, "has_participations", True) is False:
        return ()
    return case.participations.all()


participations_answered = participations_settled(_participations)


# -- effects: inputs applied to the case in memory inside the @transition method -----------


def _apply_check(case: Any, user: Any, data: Mapping[str, Any]) -> None:
    if data.get("checked_25a"):
        case.checked_25a = True
    if data.get("checked_25b"):
        case.checked_25b = True
    if data.get("granted_until"):
        case.granted_until = data["granted_until"]


def _apply_validity(case: Any, user: Any, data: Mapping[str, Any]) -> None:
    if data.get("granted_until"):
        case.granted_until = data["granted_until"]


def _apply_refusal(case: Any, user: Any, data: Mapping[str, Any]) -> None:
    case.refusal_reason = str(data.get("reason", "")).strip()


def _apply_forward(case: Any, user: Any, data: Mapping[str, Any]) -> None:
    case.forwarded_to = str(data.get("forwarded_to", "")).strip()


# -- editable fields -----------------------------------------------------------------------
# Pseudo-fields: "person" (the person's data), "documents" (the checklist), "card_orders"
# (recording a delivered card), "assigned_to" (reassigning: supervisors only).

APPLICATION = frozenset(
    {
        "person",
        "documents",
        "channel",
        "channel_town",
        "is_extension",
        "current_title",
        "title_expires_on",
        "checked_25a",
        "checked_25b",
        "granted_until",
        "fee_reduction_reason",
        "notes",
    }
)
FEES = frozenset({"fee_paid_cents", "fee_reduction_reason"})
BIOMETRICS = frozenset(
    {"photo_source", "photo_reference", "fingerprints_exempt", "signature_taken"}
)
CARD = frozenset({"card_orders"})
NOTES = frozenset({"notes"})
ASSIGN = frozenset({"assigned_to"})


def _editable(
    deciders: frozenset[str], service_point: frozenset[str] = frozenset()
) -> dict[str, frozenset[str]]:
    result = {CASEWORKER: deciders, SUPERVISOR: deciders | ASSIGN, OFFICE_ADMIN: deciders}
    if service_point:
        result[SERVICE_POINT] = service_point
    return result


# -- what every case procedure shares ------------------------------------------------------
# Each procedure (the eAT, the Duldung, naturalisation) declares the application received, its
# own steps and what its hand-over writes to the register; :func:`case_procedure` adds what
# they all share: documents requested and received, a refusal only after a hearing (§ 28
# VwVfG) and a notice a second person approved, withdrawal and forwarding from every open
# state, and the final states.


def _shared_states(*, received: State, handed_over: str) -> tuple[list[State], list[State]]:
    """The shared states: the one that follows "received", and those after the procedure's
    own (the hearing, the refusal drafted and the final states)."""
    waiting = State(
        CaseState.DOCUMENTS_REQUESTED,
        gettext_lazy("Documents requested"),
        received.editable_fields,
        description=gettext_lazy("Waiting for the applicant to send missing documents."),
    )
    decision = [
        State(
            CaseState.HEARING,
            gettext_lazy("Hearing before refusal"),
            _editable(NOTES),
            description=gettext_lazy(
                "The office intends to refuse; the applicant may comment until the deadline."
            ),
        ),
        State(
            CaseState.REFUSAL_DRAFTED,
            gettext_lazy("Refusal notice drafted"),
            _editable(NOTES),
            description=gettext_lazy("The refusal notice waits for a second person's approval."),
        ),
        State(CaseState.HANDED_OVER, handed_over, final=True),
        State(CaseState.REFUSED, gettext_lazy("Refused"), final=True),
        State(CaseState.WITHDRAWN, gettext_lazy("Withdrawn"), final=True),
        State(CaseState.FORWARDED, gettext_lazy("Forwarded to another office"), final=True),
    ]
    return [waiting], decision


def _shared_transitions(
    *,
    open_states: tuple[str, ...],
    documents_from: tuple[str, ...],
    refusable_from: tuple[str, ...],
) -> list[Transition]:
    return [
        Transition(
            name="request_documents",
            title=gettext_lazy("Request documents"),
            sources=documents_from,
            target=CaseState.DOCUMENTS_REQUESTED,
            permission=DECIDERS,
            guards=(deadline_in_future,),
            inputs=(
                Input("due_on", gettext_lazy("Deadline"), kind="date"),
                Input(
                    "documents", gettext_lazy("Missing documents"), required=False, kind="multiple"
                ),
            ),
            writes="casework.effects.request_documents",
        ),
        Transition(
            name="documents_received",
            title=gettext_lazy("Documents received"),
            sources=(CaseState.DOCUMENTS_REQUESTED,),
            target=CaseState.RECEIVED,
            permission=DECIDERS,
        ),
        Transition(
            name="intend_refusal",
            title=gettext_lazy("Intend to refuse: hear the applicant"),
            sources=refusable_from,
            target=CaseState.HEARING,
            permission=DECIDERS,
            guards=(hearing_deadline_reasonable,),
            inputs=(
                Input(
                    "grounds",
                    gettext_lazy("Decisive facts and intended decision"),
                    kind="textarea",
                ),
                Input("due_on", gettext_lazy("Comments due by"), kind="date"),
            ),
            writes="casework.effects.open_hearing",
            description=gettext_lazy(
                "Before a refusal the applicant is heard (§ 28 VwVfG): the hearing letter names "
                "the decisive facts and a date until which they may comment."
            ),
        ),
        Transition(
            name="resume_checking",
            title=gettext_lazy("Continue checking (no refusal)"),
            sources=(CaseState.HEARING,),
            target=CaseState.RECEIVED,
            permission=DECIDERS,
            needs_comment=True,
            description=gettext_lazy("The answer to the hearing changed the assessment."),
        ),
        Transition(
            name="draft_refusal",
            title=gettext_lazy("Draft refusal notice"),
            sources=(CaseState.HEARING,),
            target=CaseState.REFUSAL_DRAFTED,
            permission=DECIDERS,
            guards=(hearing_over,),
            inputs=(Input("reason", gettext_lazy("Reasons for the refusal"), kind="textarea"),),
            effect=_apply_refusal,
            writes="casework.effects.draft_refusal_notice",
            description=gettext_lazy(
                "Only after the applicant answered or the period to comment has passed."
            ),
        ),
        Transition(
            name="revise_refusal",
            title=gettext_lazy("Back to the hearing (discard the draft)"),
            sources=(CaseState.REFUSAL_DRAFTED,),
            target=CaseState.HEARING,
            permission=DECIDERS,
            needs_comment=True,
            writes="casework.effects.discard_refusal_notice",
        ),
        Transition(
            name="refuse",
            title=gettext_lazy("Issue the refusal notice"),
            sources=(CaseState.REFUSAL_DRAFTED,),
            target=CaseState.REFUSED,
            permission=DECIDERS,
            guards=(refusal_notice_approved,),
            writes="casework.effects.issue_refusal_notice",
            description=gettext_lazy(
                "The approved notice is rendered once, stored with the case and sent."
            ),
        ),
        Transition(
            name="withdraw",
            title=gettext_lazy("Withdrawn by the applicant"),
            sources=open_states,
            target=CaseState.WITHDRAWN,
            permission=DECIDERS,
            writes="casework.effects.ended_without_title",
        ),
        Transition(
            name="forward",
            title=gettext_lazy("Forward to another office"),
            sources=open_states,
            target=CaseState.FORWARDED,
            permission=DECIDERS,
            inputs=(Input("forwarded_to", gettext_lazy("Target office")),),
            effect=_apply_forward,
            writes="casework.effects.ended_without_title",
        ),
    ]


#: What the hand-over of each procedure writes to the register, by workflow name.
_HAND_OVER_RECORDS: dict[str, str] = {}


def case_procedure(
    *,
    name: str,
    title: str,
    received: State,
    states: list[State],
    transitions: list[Transition],
    handed_over: str,
    hand_over_record: str,
    documents_from: tuple[str, ...],
    refusable_from: tuple[str, ...],
    **options: Any,
) -> Workflow:
    """A case procedure, declared once: ``received`` (the initial state), the procedure's
    own ``states`` and ``transitions``, the title of its final "handed over" state, what the
    hand-over writes to the register (:class:`~casework.constants.HandOverRecord`), the states
    from which documents may be requested and from which a refusal may be intended (the
    hearing). ``options`` go to :class:`workflows.Workflow` (``method_prefix``,
    ``participations`` …)."""
    waiting, decision = _shared_states(received=received, handed_over=handed_over)
    all_states = [received, *waiting, *states, *decision]
    workflow = Workflow(
        name=name,
        title=title,
        states=all_states,
        transitions=[
            *transitions,
            *_shared_transitions(
                open_states=_open(all_states),
                documents_from=documents_from,
                refusable_from=refusable_from,
            ),
        ],
        initial=received.name,
        roles="casework.policy.case_roles",
        state_attr="state",
        **options,
    )
    _HAND_OVER_RECORDS[name] = HandOverRecord(hand_over_record)
    return workflow


def hand_over_record(workflow: Workflow) -> str:
    """What the hand-over of a case of ``workflow`` writes to the register."""
    return _HAND_OVER_RECORDS[workflow.name]


EAT_RECEIVED = State(
    CaseState.RECEIVED,
    gettext_lazy("Received"),
    _editable(APPLICATION),
    description=gettext_lazy("The application is in; it waits to be checked in order."),
    opens_participations=True,
)

#: The eAT's own states after "received" (the shared ones: :func:`case_procedure`).
STATES = [
    State(
        CaseState.CHECKED,
        gettext_lazy("Checked"),
        _editable(NOTES | {"documents", "granted_until"} | FEES | BIOMETRICS, FEES | BIOMETRICS),
        description=gettext_lazy("Requirements met; the applicant comes for biometrics."),
    ),
    State(
        CaseState.BIOMETRICS,
        gettext_lazy("Biometrics taken"),
        _editable(NOTES | {"granted_until"} | FEES | BIOMETRICS, FEES | BIOMETRICS),
        description=gettext_lazy("Photo, fingerprints and signature taken; fees collected."),
    ),
    State(
        CaseState.PRODUCED,
        gettext_lazy("Card ordered"),
        _editable(NOTES | FEES | CARD, FEES | CARD),
        description=gettext_lazy("The card is being produced by the Bundesdruckerei."),
    ),
    State(
        CaseState.PRODUCTION_FAILED,
        gettext_lazy("Card production failed"),
        _editable(NOTES | FEES | BIOMETRICS),
        description=gettext_lazy("The order failed; it is re-ordered (perhaps with a new photo)."),
    ),
]

# -- transitions ---------------------------------------------------------------------------

TRANSITIONS = [
    Transition(
        name="check",
        title=gettext_lazy("Mark as checked"),
        sources=(CaseState.RECEIVED,),
        target=CaseState.CHECKED,
        permission=DECIDERS,
        guards=(
            passport_valid,
            documents_complete,
            preferential_titles_checked,
            granted_until_plausible,
            participations_answered,
        ),
        inputs=(
            Input("checked_25a", gettext_lazy("§ 25a checked"), required=False, kind="bool"),
            Input("checked_25b", gettext_lazy("§ 25b checked"), required=False, kind="bool"),
            Input(
                "granted_until",
                gettext_lazy("Title valid until"),
                required=validity_date_missing,
                kind="date",
            ),
        ),
        effect=_apply_check,
        writes="casework.effects.checked",
        description=gettext_lazy(
            "General requirements (§ 5 AufenthG) and documents verified; the grant notice is "
            "drafted for a second person's approval and the applicant is invited to the "
            "Service Point."
        ),
    ),
    Transition(
        name="take_biometrics",
        title=gettext_lazy("Biometrics taken"),
        sources=(CaseState.CHECKED,),
        target=CaseState.BIOMETRICS,
        permission=AT_THE_COUNTER,
        guards=(passport_valid, documents_complete, biometrics_taken),
    ),
    Transition(
        name="order_card",
        title=gettext_lazy("Order card"),
        sources=(CaseState.BIOMETRICS,),
        target=CaseState.PRODUCED,
        permission=DECIDERS,
        guards=(fees_paid, biometrics_taken, granted_until_plausible, grant_notice_issued),
        # Asked only when the case has no date yet (checked before the date was required):
        # the card carries it, reminders and continuations need it.
        inputs=(
            Input(
                "granted_until",
                gettext_lazy("Title valid until"),
                required=validity_date_missing,
                kind="date",
            ),
        ),
        effect=_apply_validity,
        writes="casework.effects.new_card_order",
    ),
    Transition(
        name="production_failed",
        title=gettext_lazy("Production failed"),
        sources=(CaseState.PRODUCED,),
        target=CaseState.PRODUCTION_FAILED,
        permission=DECIDERS,
        inputs=(Input("failure_reason", gettext_lazy("Why production failed"), required=False),),
        writes="casework.effects.production_failed",
    ),
    Transition(
        name="reorder",
        title=gettext_lazy("Re-order card"),
        sources=(CaseState.PRODUCTION_FAILED,),
        target=CaseState.PRODUCED,
        permission=DECIDERS,
        guards=(fees_paid, biometrics_taken),
        writes="casework.effects.new_card_order",
    ),
    Transition(
        name="hand_over",
        title=gettext_lazy("Hand over card"),
        sources=(CaseState.PRODUCED,),
        target=CaseState.HANDED_OVER,
        permission=HAND_OUT,
        guards=(card_delivered, belehrung_recorded),
        inputs=(
            Input("collected_by", gettext_lazy("Collected by")),
            Input(
                "collected_by_authorised",
                gettext_lazy("Collected by an authorised person"),
                required=False,
                kind="bool",
            ),
            Input(
                "belehrung_handed_over",
                gettext_lazy("Belehrung handed over"),
                required=False,
                kind="bool",
            ),
            Input(
                "belehrung_language",
                gettext_lazy("Language of the Belehrung"),
                required=False,
                kind="choice",
                choices=tuple(Language.choices),
            ),
        ),
        writes="casework.effects.hand_over",
    ),
]

CASE_WORKFLOW = case_procedure(
    name="eat_case",
    title=gettext_lazy("Application for an electronic residence title (eAT)"),
    received=EAT_RECEIVED,
    states=STATES,
    transitions=TRANSITIONS,
    handed_over=gettext_lazy("Handed over"),
    hand_over_record=HandOverRecord.TITLE,
    documents_from=(CaseState.RECEIVED, CaseState.CHECKED),
    refusable_from=(CaseState.RECEIVED, CaseState.DOCUMENTS_REQUESTED, CaseState.CHECKED),
    participations=PARTICIPATION_WORKFLOW,
    open_participations="casework.effects.open_participations",
)

#: The eAT's states in which the case still moves.
OPEN_STATES = _open(CASE_WORKFLOW.states.values())


# -- Duldung issue and extension (§ 60a AufenthG) --------------------------------------------
# Not a title: a certificate that deportation is suspended, printed by the office itself (no
# card order at the Bundesdruckerei) and handed over in person, for some months at a time.
# Received → checked (identity, the grounds for suspension) → certificate printed → handed
# over; a refusal goes through the same hearing and four-eyes notice as the eAT's.

#: A Duldung is issued for a few months at a time; for training (§ 60c) or employment (§ 60d)
#: for longer (the training's duration, 30 months).
DULDUNG_MAX_MONTHS = 6
DULDUNG_MAX_MONTHS_LONG = 36
LONG_DULDUNG_GROUNDS = frozenset({DuldungGround.TRAINING, DuldungGround.EMPLOYMENT})


def _ground(case: Any, data: Mapping[str, Any] | None) -> str:
    return str((data or {}).get("duldung_ground") or case.duldung_ground or "")


def identity_for_duldung(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """Identity proven by a valid passport or identity card; without one, only the Duldung
    for persons with unclear identity (§ 60b) may be issued."""
    if not passport_valid(case, user, data):
        return []
    if _ground(case, data) == DuldungGround.UNCLEAR_IDENTITY:
        return []
    return [
        _(
            "identity not proven by a valid passport or identity card: record a valid "
            "document, or choose § 60b (identity not clarified) as the ground"
        )
    ]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def duldung_validity_plausible(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    until = (data or {}).get("granted_until")
    if not isinstance(until, dt.date):
        return []
    today = timezone.localdate()
    if until <= today:
        return [_("the Duldung must be valid beyond today")]
    months = (
        DULDUNG_MAX_MONTHS_LONG
        if _ground(case, data) in LONG_DULDUNG_GROUNDS
        else DULDUNG_MAX_MONTHS
    )
    if until > _add_months(today, months):
        return [
            _("a Duldung on this ground is issued for at most %(months)s months at a time")
            % {"months": months}
        ]
    return []


def duldung_validity_recorded(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    if case.granted_until is None:
        return [_("the validity of the Duldung has not been recorded")]
    if case.granted_until <= timezone.localdate():
        return [
            _("the validity recorded (%(date)s) has passed: check the case again")
            % {"date": case.granted_until.strftime("%d.%m.%Y")}
        ]
    return []


def _apply_duldung_check(case: Any, user: Any, data: Mapping[str, Any]) -> None:
    if data.get("duldung_ground"):
        case.duldung_ground = data["duldung_ground"]
    if data.get("granted_until"):
        case.granted_until = data["granted_until"]


DULDUNG_RECEIVED = State(
    CaseState.RECEIVED,
    gettext_lazy("Received"),
    _editable(APPLICATION | {"duldung_ground"}),
    description=gettext_lazy("The application (or extension) is in; it waits to be checked."),
)

DULDUNG_STATES = [
    State(
        CaseState.CERTIFICATE_TO_PRINT,
        gettext_lazy("Checked: certificate to print"),
        _editable(NOTES | {"documents", "granted_until", "duldung_ground"}),
        description=gettext_lazy(
            "Identity and the grounds for suspending deportation checked; the office prints "
            "the certificate."
        ),
    ),
    State(
        CaseState.CERTIFICATE_PRINTED,
        gettext_lazy("Certificate printed: ready for hand-over"),
        _editable(NOTES, frozenset()),
        description=gettext_lazy(
            "The certificate waits at the Service Point; the holder collects it in person."
        ),
    ),
]

DULDUNG_TRANSITIONS = [
    Transition(
        name="check",
        title=gettext_lazy("Check identity and grounds for suspension"),
        sources=(CaseState.RECEIVED,),
        target=CaseState.CERTIFICATE_TO_PRINT,
        permission=DECIDERS,
        guards=(identity_for_duldung, documents_complete, duldung_validity_plausible),
        inputs=(
            Input(
                "duldung_ground",
                gettext_lazy("Ground for suspending deportation"),
                kind="choice",
                choices=tuple(DuldungGround.choices),
            ),
            Input("granted_until", gettext_lazy("Duldung valid until"), kind="date"),
        ),
        effect=_apply_duldung_check,
        description=gettext_lazy(
            "Identity (passport, identity card or § 60b) and why deportation is suspended."
        ),
    ),
    Transition(
        name="print_certificate",
        title=gettext_lazy("Print the Duldung certificate"),
        sources=(CaseState.CERTIFICATE_TO_PRINT,),
        target=CaseState.CERTIFICATE_PRINTED,
        permission=DECIDERS,
        guards=(duldung_validity_recorded,),
        description=gettext_lazy("Printed at the office on the official form; no card order."),
    ),
    Transition(
        name="hand_over",
        title=gettext_lazy("Hand over the Duldung certificate"),
        sources=(CaseState.CERTIFICATE_PRINTED,),
        target=CaseState.HANDED_OVER,
        permission=AT_THE_COUNTER,
        guards=(duldung_validity_recorded,),
        inputs=(Input("collected_by", gettext_lazy("Collected by")),),
        writes="casework.effects.hand_over",
        description=gettext_lazy("In person, against the previous certificate if there is one."),
    ),
]

DULDUNG_WORKFLOW = case_procedure(
    name="duldung",
    title=gettext_lazy("Duldung: issue or extension (§ 60a AufenthG)"),
    received=DULDUNG_RECEIVED,
    states=DULDUNG_STATES,
    transitions=DULDUNG_TRANSITIONS,
    handed_over=gettext_lazy("Duldung handed over"),
    hand_over_record=HandOverRecord.DULDUNG,
    documents_from=(CaseState.RECEIVED,),
    refusable_from=(
        CaseState.RECEIVED,
        CaseState.DOCUMENTS_REQUESTED,
        CaseState.CERTIFICATE_TO_PRINT,
    ),
    method_prefix="duldung_",
)


# -- Naturalisation (Einbürgerung, StAG § 10 since 27 June 2024) -------------------------------
# Its own department. Application → documents complete → the language certificate (B1 or
# higher) and the naturalisation test recorded → checked (residence, livelihood, commitment, the
# security authorities' answer) → where the other state requires it, an assurance of
# naturalisation first and the old citizenship given up → the certificate handed over in
# person with the declaration of commitment. No Service Point steps.

#: An assurance of naturalisation is usually valid for two years.
ASSURANCE_MAX_YEARS = 2


def certificates_recorded(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    reasons = []
    if not case.language_certificate:
        reasons.append(_("no German language certificate (B1 or higher) recorded"))
    if case.citizenship_test_passed_on is None:
        reasons.append(_("the naturalisation test has not been recorded as passed"))
    return reasons


def test_date_not_in_future(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    passed_on = (data or {}).get("citizenship_test_passed_on")
    if isinstance(passed_on, dt.date) and passed_on > timezone.localdate():
        return [_("the naturalisation test cannot have been passed in the future")]
    return []


def assurance_validity_plausible(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    until = (data or {}).get("assurance_valid_until")
    if not isinstance(until, dt.date):
        return []
    today = timezone.localdate()
    if until <= today:
        return [_("the assurance must be valid beyond today")]
    if until > add_years(today, ASSURANCE_MAX_YEARS):
        return [
            _("an assurance of naturalisation is valid for at most %(years)s years")
            % {"years": ASSURANCE_MAX_YEARS}
        ]
    return []


def ready_for_certificate(case: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """The previous citizenship given up where it must be; the declaration of commitment to
    the free democratic basic order signed at the hand-over."""
    reasons: list[str] = []
    if data is None:
        return reasons
    if case.renunciation_required and not data.get("release_proven"):
        reasons.append(_("the release from the previous citizenship has not been proven"))
    if not data.get("declaration_signed"):
        reasons.append(_("the declaration of commitment must be signed at the hand-over"))
    return reasons


def _apply_certificates(case: Any, user: Any, data: Mapping[str, Any]) -> None:
    case.language_certificate = data.get("language_certificate") or case.language_certificate
    if data.get("citizenship_test_passed_on"):
        case.citizenship_test_passed_on = data["citizenship_test_passed_on"]


def _apply_assurance(case: Any, user: Any, data: Mapping[str, Any]) -> None:
    # The assurance is given because the other state requires its citizenship to be given up.
    case.renunciation_required = True
    case.assurance_valid_until = data.get("assurance_valid_until")


CERTIFICATES = frozenset({"language_certificate", "citizenship_test_passed_on"})

NATURALISATION_RECEIVED = State(
    CaseState.RECEIVED,
    gettext_lazy("Application received"),
    _editable(APPLICATION - {"granted_until", "checked_25a", "checked_25b"} | CERTIFICATES),
    description=gettext_lazy("The application is in; the documents are checked first."),
)

NATURALISATION_STATES = [
    State(
        CaseState.DOCUMENTS_COMPLETE,
        gettext_lazy("Documents complete"),
        _editable(NOTES | {"documents"} | CERTIFICATES),
        description=gettext_lazy("Waiting for the language certificate and the test result."),
    ),
    State(
        CaseState.CERTIFICATES_RECORDED,
        gettext_lazy("Language and test certificates recorded"),
        _editable(NOTES | CERTIFICATES),
        description=gettext_lazy(
            "The requirements of § 10 StAG are checked, with the security authorities' answer."
        ),
    ),
    State(
        CaseState.REQUIREMENTS_MET,
        gettext_lazy("Checked: requirements met"),
        _editable(NOTES),
        description=gettext_lazy(
            "The certificate can be handed over, or an assurance is given first where the "
            "previous citizenship must be given up."
        ),
    ),
    State(
        CaseState.ASSURANCE_GIVEN,
        gettext_lazy("Assurance of naturalisation given"),
        _editable(NOTES),
        description=gettext_lazy("Waiting for the release from the previous citizenship."),
    ),
]

NATURALISATION_TRANSITIONS = [
    Transition(
        name="complete_documents",
        title=gettext_lazy("Documents complete"),
        sources=(CaseState.RECEIVED,),
        target=CaseState.DOCUMENTS_COMPLETE,
        permission=DECIDERS,
        guards=(passport_valid, documents_complete),
    ),
    Transition(
        name="record_certificates",
        title=gettext_lazy("Record language and test certificates"),
        sources=(CaseState.DOCUMENTS_COMPLETE,),
        target=CaseState.CERTIFICATES_RECORDED,
        permission=DECIDERS,
        guards=(test_date_not_in_future,),
        inputs=(
            Input(
                "language_certificate",
                gettext_lazy("German language certificate (level)"),
                kind="choice",
                choices=tuple(LanguageLevel.choices),
            ),
            Input(
                "citizenship_test_passed_on",
                gettext_lazy("Naturalisation test passed on"),
                kind="date",
            ),
        ),
        effect=_apply_certificates,
    ),
    Transition(
        name="check",
        title=gettext_lazy("Requirements of § 10 StAG met"),
        sources=(CaseState.CERTIFICATES_RECORDED,),
        target=CaseState.REQUIREMENTS_MET,
        permission=DECIDERS,
        guards=(passport_valid, certificates_recorded),
        description=gettext_lazy(
            "Lawful residence, livelihood, commitment to the constitutional order, the "
            "security authorities' answer."
        ),
    ),
    Transition(
        name="give_assurance",
        title=gettext_lazy("Give the assurance of naturalisation"),
        sources=(CaseState.REQUIREMENTS_MET,),
        target=CaseState.ASSURANCE_GIVEN,
        permission=DECIDERS,
        guards=(assurance_validity_plausible,),
        inputs=(
            Input("assurance_valid_until", gettext_lazy("Assurance valid until"), kind="date"),
        ),
        effect=_apply_assurance,
        description=gettext_lazy(
            "Where the other state requires its citizenship to be given up: the certificate "
            "follows once the release is proven."
        ),
    ),
    Transition(
        name="hand_over",
        title=gettext_lazy("Hand over the naturalisation certificate"),
        sources=(CaseState.REQUIREMENTS_MET, CaseState.ASSURANCE_GIVEN),
        target=CaseState.HANDED_OVER,
        permission=DECIDERS,
        guards=(certificates_recorded, ready_for_certificate),
        inputs=(
            Input("collected_by", gettext_lazy("Collected by")),
            Input(
                "declaration_signed",
                gettext_lazy("Declaration of commitment signed"),
                required=False,
                kind="bool",
            ),
            Input(
                "release_proven",
                gettext_lazy("Release from the previous citizenship proven"),
                required=False,
                kind="bool",
            ),
        ),
        writes="casework.effects.hand_over",
        description=gettext_lazy("In person, with the declaration of commitment."),
    ),
]

NATURALISATION_WORKFLOW = case_procedure(
    name="naturalisation",
    title=gettext_lazy("Naturalisation (StAG § 10)"),
    received=NATURALISATION_RECEIVED,
    states=NATURALISATION_STATES,
    transitions=NATURALISATION_TRANSITIONS,
    handed_over=gettext_lazy("Naturalisation certificate handed over"),
    # German from the hand-over (StAG § 16): no residence document, the records in force end.
    hand_over_record=HandOverRecord.ENDS_RECORDS,
    documents_from=(CaseState.RECEIVED, CaseState.DOCUMENTS_COMPLETE),
    refusable_from=(
        CaseState.RECEIVED,
        CaseState.DOCUMENTS_REQUESTED,
        CaseState.DOCUMENTS_COMPLETE,
        CaseState.CERTIFICATES_RECORDED,
    ),
    method_prefix="naturalisation_",
)


# -- the workflow chain per case type ------------------------------------------------------
# A case type names its workflow by key (``CaseType.workflow``, kept by office management); a
# case copies the key when it is created (``Case.workflow_key``), so changing a case type later
# moves no running case into a workflow that does not know its state.

CASE_WORKFLOWS = WorkflowRegistry("case", key_attr="workflow_key")
#: The eAT workflow; the default for case types that name none.
DEFAULT_WORKFLOW = "eat"
CASE_WORKFLOWS.register(DEFAULT_WORKFLOW, CASE_WORKFLOW)
CASE_WORKFLOWS.register("duldung", DULDUNG_WORKFLOW)
CASE_WORKFLOWS.register("naturalisation", NATURALISATION_WORKFLOW)


def validate_workflow_key(value: str) -> None:
    """Model field validator: only keys of :data:`CASE_WORKFLOWS`."""
    if value not in CASE_WORKFLOWS:
        raise ValidationError(
            _("“%(value)s” is not a known workflow (known: %(known)s)"),
            code="unknown_workflow",
            params={"value": value, "known": ", ".join(CASE_WORKFLOWS)},
        )
