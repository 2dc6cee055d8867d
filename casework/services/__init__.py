"""Writes on case data: the one door through which cases, their documents, history and titles
change. Every function checks the permission itself, runs in one transaction and changes
nothing when it raises.

- ``PermissionDenied``: the user may not do this with this case.
- ``ValidationError``: bad input (translated messages, per field where there is one).
- :class:`~casework.exceptions.TransitionNotAllowed`: the workflow says no; ``reasons`` why.
- :class:`~casework.exceptions.ConcurrentChange`: someone else was faster; reload.

Side effects outside the database (the :data:`case_changed` signal, which search indexing and
notifications listen to) run on commit only.

The modules of this package group the services by what they touch; other apps import from
the package (``from casework.services import create_case``), never from a module.
"""

from ..effects import CARD_PRODUCTION_TIME
from ..signals import announce, case_changed
from .access import ACCESS_ROUTES, log_case_access, log_case_accesses
from .cases import (
    TITLE_MAX_YEARS,
    UPDATABLE_FIELDS,
    add_comment,
    create_case,
    reassign,
    title_expiry_problem,
    update_case,
)
from .counter import (
    ON_SITE_PHOTO_FEE_CENTS,
    record_biometrics,
    record_card_delivered,
    record_fee_payment,
)
from .documents import mark_document_received, receive_applicant_documents
from .erasure import ErasureResult, erase_person
from .history import field_change, field_changes
from .household import (
    NEW_CHILD_FIELDS,
    PERSON_NAME_SCORE_HOOK,
    add_household_child,
    remove_household_child,
)
from .notices import (
    approve_notice,
    draft_grant_notice,
    issue_fiktion_certificate,
    issue_notice,
    mark_notice_posted,
    record_hearing_answer,
    send_notice_mail,
)
from .participations import (
    ANSWERS,
    answer_participation,
    deem_due_participations,
    deem_participation,
    open_needed_participations,
)
from .persons import PERSON_FIELDS, register_person, update_person
from .register import (
    log_register_letter,
    record_fiktion_certificate,
    record_household_child,
    record_residence,
)
from .register_import import (
    ImportedPerson,
    ImportedRecord,
    import_register_entries,
    may_import_register,
)
from .sharing import MAX_SHARE_DAYS, revoke_share, share_case
from .titles import ContinuedTitle, continue_titles
from .transitions import (
    case_check,
    case_hand_over,
    case_order_card,
    case_refuse,
    case_request_documents,
    case_take_biometrics,
    fire_transition,
)

__all__ = [
    "ACCESS_ROUTES",
    "ANSWERS",
    "CARD_PRODUCTION_TIME",
    "MAX_SHARE_DAYS",
    "PERSON_FIELDS",
    "ON_SITE_PHOTO_FEE_CENTS",
    "TITLE_MAX_YEARS",
    "UPDATABLE_FIELDS",
    "ContinuedTitle",
    "ErasureResult",
    "NEW_CHILD_FIELDS",
    "PERSON_NAME_SCORE_HOOK",
    "add_comment",
    "add_household_child",
    "answer_participation",
    "deem_due_participations",
    "deem_participation",
    "open_needed_participations",
    "approve_notice",
    "draft_grant_notice",
    "issue_fiktion_certificate",
    "issue_notice",
    "announce",
    "case_changed",
    "case_check",
    "case_hand_over",
    "case_order_card",
    "case_refuse",
    "case_request_documents",
    "case_take_biometrics",
    "continue_titles",
    "create_case",
    "erase_person",
    "field_change",
    "field_changes",
    "fire_transition",
    "log_case_access",
    "log_register_letter",
    "record_fiktion_certificate",
    "log_case_accesses",
    "mark_notice_posted",
    "mark_document_received",
    "reassign",
    "remove_household_child",
    "record_hearing_answer",
    "record_household_child",
    "record_residence",
    "ImportedPerson",
    "ImportedRecord",
    "import_register_entries",
    "may_import_register",
    "register_person",
    "receive_applicant_documents",
    "record_biometrics",
    "record_card_delivered",
    "record_fee_payment",
    "revoke_share",
    "send_notice_mail",
    "share_case",
    "title_expiry_problem",
    "update_case",
    "update_person",
]
