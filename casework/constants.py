from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Received")
    DOCUMENTS_REQUESTED = "documents_requested", _("Documents requested")
    CHECKED = "checked", _("Checked")
    #: "Intend to refuse": the applicant was heard (§ 28 VwVfG) and may answer until a date.
    HEARING = "hearing", _("Hearing before refusal")
    #: The refusal notice is drafted and waits for a second person's approval.
    REFUSAL_DRAFTED = "refusal_drafted", _("Refusal notice drafted")
    BIOMETRICS = "biometrics", _("Biometrics taken")
    PRODUCED = "produced", _("Card ordered")
    PRODUCTION_FAILED = "production_failed", _("Card production failed")
    HANDED_OVER = "handed_over", _("Handed over")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FORWARDED = "forwarded", _("Forwarded to another office")
    # -- Duldung (§ 60a AufenthG): the office prints the certificate itself, no card order.
    #: Identity and the grounds for suspending deportation checked; the certificate is due.
    CERTIFICATE_TO_PRINT = "certificate_to_print", _("Checked: certificate to print")
    #: The certificate is printed and waits at the Service Point to be handed over in person.
    CERTIFICATE_PRINTED = "certificate_printed", _("Certificate printed: ready for hand-over")
    # -- Naturalisation (StAG § 10): its own department, the certificate handed over in person.
    DOCUMENTS_COMPLETE = "documents_complete", _("Documents complete")
    #: The German language certificate (B1 or higher) and the naturalisation test recorded.
    CERTIFICATES_RECORDED = "certificates_recorded", _("Language and test certificates recorded")
    #: Requirements of § 10 StAG met (including the security authorities' answer).
    REQUIREMENTS_MET = "requirements_met", _("Checked: requirements met")
    #: Assurance of naturalisation (Einbürgerungszusicherung): the old citizenship is given up
    #: first where the other state requires it.
    ASSURANCE_GIVEN = "assurance_given", _("Assurance of naturalisation given")


#: States in which nothing moves any more.
FINAL_STATES = frozenset(
    {CaseState.HANDED_OVER, CaseState.REFUSED, CaseState.WITHDRAWN, CaseState.FORWARDED}
)


#: Where the grant notice is drafted, approved and issued: after the check, before the card.
GRANT_NOTICE_STATES = frozenset({CaseState.CHECKED, CaseState.BIOMETRICS})

#: The steps the Service Point works on: biometrics and fees, then hand-over (of the eAT card,
#: or of a Duldung certificate the office printed). A state value means the same step in every
#: workflow (see casework.workflow), so one list serves all of them, search filters included.
SERVICE_POINT_STATES = (
    CaseState.CHECKED,
    CaseState.BIOMETRICS,
    CaseState.PRODUCED,
    CaseState.CERTIFICATE_PRINTED,
)

#: Members of this group are office management: they see and oversee every case.
OFFICE_ADMIN_GROUP = "Office admins"


class DuldungGround(models.TextChoices):
    """Why deportation is suspended (§ 60a AufenthG and its variants)."""

    IMPOSSIBLE = "60a2_1", _("§ 60a (2) 1: deportation impossible in fact or in law")
    URGENT_REASONS = "60a2_3", _("§ 60a (2) 3: urgent humanitarian or personal reasons")
    UNCLEAR_IDENTITY = "60b", _("§ 60b: identity not clarified")
    TRAINING = "60c", _("§ 60c: vocational training")
    EMPLOYMENT = "60d", _("§ 60d: employment")


class LanguageLevel(models.TextChoices):
    """Level of a German language certificate (CEFR); naturalisation needs B1 or higher."""

    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online application")
    POST = "post", _("Post")
    EMAIL = "email", _("E-mail")
    BUERGERBUERO = "buergerbuero", _("Bürgerbüro of a town")
    COUNTER = "counter", _("In person at the office")


class HistoryEvent(models.TextChoices):
    """Rows of a case's history that are not workflow transitions (those use their name)."""

    CREATED = "create", _("Application received")
    REASSIGNED = "reassign", _("Reassigned")
    CONTINUED = "continuation", _("Title continued by ordinance")
    DOCUMENTS_RECEIVED = "documents_received", _("Documents received")
    UPDATED = "update", _("Case data changed")
    SHARED = "share", _("Shared outside the department")
    SHARE_ENDED = "share_ended", _("Share ended")
    HEARING_ANSWER = "hearing_answer", _("Answer to the hearing recorded")
    NOTICE_APPROVED = "notice_approved", _("Notice approved (four eyes)")
    NOTICE_POSTED = "notice_posted", _("Notice posted")
    LETTER_SENT = "letter_sent", _("Letter sent")
    PARTICIPATION_REQUESTED = "participation_requested", _("Other authority asked to take part")
    PARTICIPATION_CONSENTED = "participation_consented", _("Other authority consented")
    PARTICIPATION_REFUSED = "participation_refused", _("Other authority refused consent")
    PARTICIPATION_DEEMED = "participation_deemed", _("Consent deemed given (deadline passed)")
    PARTICIPATION_CANCELLED = "participation_cancelled", _("Participation request cancelled")
    NOTICE_ISSUED = "notice_issued", _("Notice issued")
    NOTICE_DRAFTED = "notice_drafted", _("Notice drafted")
    FIKTION_ISSUED = "fiktion_issued", _("Fiktionsbescheinigung issued")
    HOUSEHOLD_CHILD_ADDED = "household_child_added", _("Child in the household recorded")
    HOUSEHOLD_CHILD_REMOVED = "household_child_removed", _("Child moved out of the household")


class AccessRoute(models.TextChoices):
    """Where a case file was opened from (the access log's ``route``)."""

    BACKOFFICE = "backoffice", _("Case file")
    API = "api", _("API")
    SEARCH = "search", _("Search results")
    EXPORT = "export", _("Export")
    ADMIN = "admin", _("Administration")


class Role(models.TextChoices):
    """Every role a user can hold on a case (:mod:`casework.policy` says who holds which).

    The first three come from a department membership; office management comes from the
    group :data:`OFFICE_ADMIN_GROUP` (or a superuser account); a viewer holds an unexpired
    share of one case.
    """

    CASEWORKER = "caseworker", _("Caseworker")
    SERVICE_POINT = "service_point", _("Service Point")
    SUPERVISOR = "supervisor", _("Supervisor")
    #: Office and technical management: every case of every department ("Manager").
    OFFICE_ADMIN = "office_admin", _("Office management")
    #: Someone outside the department with an unexpired share of this one case (read only).
    VIEWER = "viewer", _("Shared with")


#: The roles a department membership gives (``Membership.role``).
MEMBERSHIP_ROLES = (Role.CASEWORKER, Role.SERVICE_POINT, Role.SUPERVISOR)


class CaseCategory(models.TextChoices):
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    FAMILY = "family", _("Family")
    PERMANENT = "permanent", _("Permanent residence")
    EU = "eu", _("EU family members")
    OTHER = "other", _("Other")


class PhotoSource(models.TextChoices):
    NONE = "", _("Not yet provided")
    QR_CODE = "qr_code", _("QR/Data-Matrix code from a certified photographer")
    ON_SITE = "on_site", _("Taken at the office terminal")


class CardOrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    FAILED = "failed", _("Failed")
    DELIVERED = "delivered", _("Delivered to the office")
    CANCELLED = "cancelled", _("Cancelled")


class Language(models.TextChoices):
    DE = "de", _("German")
    EN = "en", _("English")
    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")
    AR = "ar", _("Arabic")
    TR = "tr", _("Turkish")


class FamilyRelation(models.TextChoices):
    """How a family member filing together with the main applicant is related to them."""

    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other relative")


class IdDocument(models.TextChoices):
    """Which document proves a person's identity (§ 24: a passport is not required)."""

    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("National identity card (e.g. Ukrainian ID card)")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    NONE = "none", _("No identity document")


class NoticeKind(models.TextChoices):
    """Letters that are part of a decision and kept with the case exactly as sent."""

    HEARING = "hearing", _("Hearing letter (§ 28 VwVfG)")
    REFUSAL = "refusal", _("Refusal notice")
    GRANT = "grant", _("Grant notice")
    #: Not a decision: the certificate that an extension filed in time keeps the old title's
    #: rights (§ 81 (5) AufenthG), with a validity of its own.
    FIKTION = "fiktion", _("Fiktionsbescheinigung (§ 81 (5) AufenthG)")
    #: Letters that inform, sent at their step: after the check the applicant is invited to
    #: the Service Point (biometrics, photo, fees); the delivered card waits for collection.
    INVITATION = "invitation", _("Appointment invitation")
    CARD_READY = "card_ready", _("Card ready for collection")


#: Kinds of notice a second person must approve before they are issued (four eyes).
NOTICES_NEEDING_APPROVAL = frozenset({NoticeKind.REFUSAL, NoticeKind.GRANT})
#: What the Service Point may issue: the certificate and the letter that the card is ready.
COUNTER_LETTERS = frozenset({NoticeKind.FIKTION, NoticeKind.CARD_READY})


class NoticeStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    DISCARDED = "discarded", _("Discarded")


class NoticeDelivery(models.TextChoices):
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")


class HearingAnswerVia(models.TextChoices):
    """How the applicant's answer to a hearing arrived."""

    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person (minutes)")
    STATUS_PAGE = "status_page", _("Status page")
    WAIVED = "waived", _("Applicant declined to comment")


class RecordKind(models.TextChoices):
    """The kinds of status documents the register (Ausländerdatei) holds for a person."""

    TITLE = "title", _("Residence title")
    DULDUNG = "duldung", _("Duldung (§ 60a AufenthG)")
    GESTATTUNG = "gestattung", _("Aufenthaltsgestattung (§ 55 AsylG)")
    FIKTION = "fiktion", _("Fiktionsbescheinigung (§ 81 AufenthG)")
    EU_CARD = "eu_card", _("EU residence card")


class HandOverRecord(models.TextChoices):
    """What the hand-over of a procedure writes to the register, declared with its workflow
    (:func:`casework.workflow.case_procedure`)."""

    TITLE = "title", _("writes a residence title (an EU residence card for EU cases)")
    DULDUNG = "duldung", _("writes a Duldung")
    ENDS_RECORDS = "ends_records", _("ends the records in force (German from that day)")


class RecordSource(models.TextChoices):
    """Where a record of the register came from."""

    HAND_OVER = "hand_over", _("Handed over at the end of a case")
    #: A document the office issues while a case runs (the Fiktionsbescheinigung).
    DURING_CASE = "during_case", _("Issued during a case")
    CASE_DATA = "case_data", _("Taken over from a case's data")
    ENTERED = "entered", _("Entered by staff")
    IMPORTED = "imported", _("Imported from an earlier register")


class RecordEvent(models.TextChoices):
    """What a history row of a residence record records."""

    CREATED = "created", _("Recorded")
    CONTINUED = "continued", _("Validity extended")
    SUPERSEDED = "superseded", _("Replaced by a newer document")
    UPDATED = "updated", _("Record changed")
    LETTER = "letter", _("Letter sent")
