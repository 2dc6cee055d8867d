"""Case files of the office: persons, cases and what hangs off a case.

The case state is a protected FSM field; its transitions are declared in
:mod:`casework.workflow` and fired only through :mod:`casework.services`.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from wagtail.admin.forms import WagtailAdminModelForm

from workflows import ParticipationStatus

from .constants import (
    FINAL_STATES,
    MEMBERSHIP_ROLES,
    AccessRoute,
    CardOrderStatus,
    CaseCategory,
    CaseState,
    Channel,
    DuldungGround,
    FamilyRelation,
    HearingAnswerVia,
    HistoryEvent,
    Language,
    LanguageLevel,
    NoticeDelivery,
    NoticeKind,
    NoticeStatus,
    PhotoSource,
    RecordEvent,
    RecordKind,
    RecordSource,
)
from .workflow import (
    CASE_WORKFLOWS,
    DEFAULT_WORKFLOW,
    NOTICE_WORKFLOW,
    PARTICIPATION_WORKFLOW,
    validate_workflow_key,
)


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    handles_cases = models.BooleanField(
        _("handles cases"),
        default=True,
        help_text=_("Service Point and similar units serve other departments' cases."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a department. A user may belong to several departments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=[(role.value, role.label) for role in MEMBERSHIP_ROLES]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="unique_membership_role"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.department} ({self.get_role_display()})"


#: Languages of the public site besides German in which the office may name case types,
#: documents and appointment services (``name_en`` …); German is ``name`` itself.
NAME_LANGUAGES = ("en", "uk", "ru")


def name_field_for(language: str | None) -> str:
    """The field holding the name in ``language`` ("uk", "en-gb" …); ``name`` for German."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return f"name_{code}" if code in NAME_LANGUAGES else "name"


def localized_name_fields(max_length: int = 200) -> tuple[models.CharField, ...]:
    """``name_en``, ``name_uk`` and ``name_ru`` for a model named in German by ``name``."""
    help_text = _("Shown to applicants in this language; if empty, they see the German name.")
    return tuple(
        models.CharField(label, max_length=max_length, blank=True, help_text=help_text)
        for label in (_("name (English)"), _("name (Ukrainian)"), _("name (Russian)"))
    )


class LocalizedNameMixin:
    """The name for applicants: ``name_<language>`` if the office entered it, else ``name``.

    Back-office pages keep showing the German ``name``.
    """

    def localized_name(self, language: str | None = None) -> str:
        field = name_field_for(language or translation.get_language())
        return getattr(self, field, "") or self.name

    @property
    def display_name(self) -> str:
        return self.localized_name()


class CaseTypeForm(WagtailAdminModelForm):
    """The case type's admin form: the workflow as a choice among the declared ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "workflow" in self.fields:
            self.fields["workflow"].widget = forms.Select(choices=CASE_WORKFLOWS.choices())


class CaseType(LocalizedNameMixin, models.Model):
    """A residence purpose with its legal basis, e.g. § 18g AufenthG (EU Blue Card), and the
    workflow its cases follow."""

    base_form_class = CaseTypeForm

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en, name_uk, name_ru = localized_name_fields()
    legal_basis = models.CharField(_("legal basis"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=CaseCategory.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="case_types",
        verbose_name=_("responsible department"),
    )
    fee_title_cents = models.PositiveIntegerField(_("fee for the title (cents)"), default=0)
    fee_card_cents = models.PositiveIntegerField(_("fee for the card (cents)"), default=6700)
    requires_belehrung = models.BooleanField(
        _("hand-over requires an instruction sheet (Belehrung)"), default=False
    )
    max_validity_years = models.PositiveSmallIntegerField(_("maximum validity (years)"), default=3)
    limited_validity = models.BooleanField(
        _("granted for a limited time"),
        default=True,
        help_text=_(
            "The new title's validity date is then required when the case is checked (and "
            "before the card is ordered), so that reminders and continuations find it. Off "
            "for permanent titles (Niederlassungserlaubnis, Daueraufenthalt-EU)."
        ),
    )
    workflow = models.CharField(
        _("workflow"),
        max_length=40,
        default=DEFAULT_WORKFLOW,
        validators=[validate_workflow_key],
        help_text=_(
            "The procedure its cases follow (eAT, Duldung, naturalisation …). A change applies "
            "to cases created afterwards; running cases keep the workflow they started with."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["legal_basis", "name"]
        verbose_name = _("case type")
        verbose_name_plural = _("case types")

    def __str__(self) -> str:
        return f"{self.legal_basis} – {self.name}"

    def localized_label(self, language: str | None = None) -> str:
        """Legal basis and name for applicants, e.g. "§ 24 AufenthG – Тимчасовий захист"."""
        return f"{self.legal_basis} – {self.localized_name(language)}"

    @property
    def display_label(self) -> str:
        return self.localized_label()


class RequiredDocument(LocalizedNameMixin, models.Model):
    """An item of the document checklist of a case type."""

    case_type = models.ForeignKey(
        CaseType, on_delete=models.CASCADE, related_name="required_documents"
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    name_en, name_uk, name_ru = localized_name_fields()
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "code"], name="unique_required_document")
        ]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    family_name = models.CharField(_("family name (passport)"), max_length=200)
    given_names = models.CharField(_("given names (passport)"), max_length=200, blank=True)
    family_name_native = models.CharField(
        _("family name (native script)"), max_length=200, blank=True
    )
    given_names_native = models.CharField(
        _("given names (native script)"), max_length=200, blank=True
    )
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=200, blank=True)
    nationality = models.CharField(_("nationality (ISO 3166 alpha-3)"), max_length=3)
    other_nationalities = models.CharField(
        _("other nationalities"), max_length=100, blank=True, help_text=_("Comma-separated")
    )
    passport_number = models.CharField(_("passport number"), max_length=30, blank=True)
    passport_valid_until = models.DateField(_("passport valid until"), null=True, blank=True)
    id_card_number = models.CharField(
        _("identity card number"),
        max_length=30,
        blank=True,
        help_text=_(
            "A national identity card, e.g. a Ukrainian ID card, where there is no passport."
        ),
    )
    id_card_valid_until = models.DateField(_("identity card valid until"), null=True, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.DE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["passport_number"]), models.Index(fields=["birth_date"])]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_names}".strip(", ")


class Case(ConcurrentTransitionMixin, models.Model):
    file_number = models.CharField(_("file number"), max_length=32, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("caseworker"),
    )
    state = FSMField(
        _("state"),
        default=CaseState.RECEIVED,
        choices=CaseState.choices,
        protected=True,
        db_index=True,
    )
    #: The key of the workflow the case follows (:data:`casework.workflow.CASE_WORKFLOWS`),
    #: copied from its case type when the case is created.
    workflow_key = models.CharField(
        _("workflow"),
        max_length=40,
        default="",
        blank=True,
        editable=False,
        validators=[validate_workflow_key],
    )
    #: Every workflow of :mod:`casework.workflow`, bound: adds each one's transition methods
    #: (``do_<transition>`` for the eAT); :attr:`workflow` is the case's own.
    workflows = CASE_WORKFLOWS.bind()
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    channel_town = models.CharField(_("Bürgerbüro town"), max_length=100, blank=True)
    is_extension = models.BooleanField(_("extension of a current title"), default=False)
    current_title = models.CharField(_("current title"), max_length=200, blank=True)
    title_expires_on = models.DateField(_("current title expires on"), null=True, blank=True)
    filed_in_time = models.BooleanField(
        _("filed before expiry (Fiktionswirkung)"),
        null=True,
        blank=True,
        help_text=_("Empty when not an extension."),
    )
    granted_until = models.DateField(_("new title valid until"), null=True, blank=True)
    # § 104c: § 25a and § 25b must have been checked first.
    checked_25a = models.BooleanField(_("§ 25a checked"), default=False)
    checked_25b = models.BooleanField(_("§ 25b checked"), default=False)
    #: Naturalisation (StAG § 10): the certificates recorded, and whether the old citizenship
    #: must be given up first (then an assurance of naturalisation comes before the certificate).
    language_certificate = models.CharField(
        _("German language certificate (level)"),
        max_length=2,
        choices=LanguageLevel.choices,
        blank=True,
    )
    citizenship_test_passed_on = models.DateField(
        _("naturalisation test passed on"), null=True, blank=True
    )
    renunciation_required = models.BooleanField(
        _("the previous citizenship must be given up"), default=False
    )
    assurance_valid_until = models.DateField(
        _("assurance of naturalisation valid until"), null=True, blank=True
    )
    #: Duldung (§ 60a): why deportation is suspended, recorded at the check.
    duldung_ground = models.CharField(
        _("ground for suspending deportation"),
        max_length=10,
        choices=DuldungGround.choices,
        blank=True,
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    forwarded_to = models.CharField(_("forwarded to office"), max_length=200, blank=True)
    fee_due_cents = models.PositiveIntegerField(_("fee due (cents)"), default=0)
    fee_paid_cents = models.PositiveIntegerField(_("fee paid (cents)"), default=0)
    fee_reduction_reason = models.CharField(
        _("fee reduction (e.g. SGB II notice)"), max_length=200, blank=True
    )
    photo_source = models.CharField(
        _("photo source"), max_length=10, choices=PhotoSource.choices, blank=True
    )
    photo_reference = models.CharField(_("photo code reference"), max_length=200, blank=True)
    biometrics_taken_at = models.DateTimeField(_("biometrics taken at"), null=True, blank=True)
    fingerprints_exempt = models.BooleanField(_("fingerprints exempt (under 6)"), default=False)
    signature_taken = models.BooleanField(_("signature taken"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    #: Family members who apply together (e.g. § 24: every person needs a title of their own)
    #: each get a case, linked to the main applicant's.
    filed_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="family_cases",
        verbose_name=_("filed together with"),
    )
    family_relation = models.CharField(
        _("relation to the main applicant"),
        max_length=20,
        choices=FamilyRelation.choices,
        blank=True,
    )
    last_transition_at = models.DateTimeField(_("last change of state"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["department", "state", "received_at"]),
            models.Index(fields=["assigned_to", "state", "received_at"]),
            models.Index(fields=["title_expires_on"]),
            # Worklists: a department's open cases, oldest receipt first (partial index, so
            # the closed files that pile up over the years do not slow it down).
            models.Index(
                fields=["department", "received_at", "id"],
                condition=~models.Q(state__in=sorted(FINAL_STATES)),
                name="case_open_worklist",
            ),
            # The register's visibility (policy.residence_record_parts: the persons with a
            # case of the departments), read from the index alone.
            models.Index(fields=["department", "person"], name="case_department_person"),
            # Target groups: children filed with a parent's case (few rows of many).
            models.Index(
                fields=["filed_with"],
                condition=models.Q(family_relation="child"),
                name="case_filed_with_child",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.file_number

    def save(self, *args, **kwargs):
        if not self.workflow_key and self.case_type_id is not None:
            self.workflow_key = self.case_type.workflow
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "workflow_key"}
        return super().save(*args, **kwargs)

    @property
    def workflow(self):
        """The workflow this case follows (:class:`workflows.Workflow`)."""
        return CASE_WORKFLOWS.of(self)

    @property
    def extends_title(self) -> bool:
        """An extension of a residence title, where § 81 (4) AufenthG keeps the old title in
        force (not of a Duldung, which is no title: its extension is a new certificate)."""
        from .fiktion import TITLE_WORKFLOWS

        return self.is_extension and self.workflow_key in TITLE_WORKFLOWS

    @property
    def state_title(self) -> str:
        """The current state as the case's workflow names it."""
        return self.workflow.state_title(self.state)

    @property
    def fees_paid(self) -> bool:
        return self.fee_paid_cents >= self.fee_due_cents


class CaseDocument(models.Model):
    """A checklist item on one case: required by its type (or added), received or missing."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    received = models.BooleanField(_("received"), default=False)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    file = models.CharField(_("stored file"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="unique_case_document")
        ]

    def __str__(self) -> str:
        return self.name


class CardOrder(models.Model):
    """An order of the eAT card at the Bundesdruckerei; failed orders are re-ordered."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="card_orders")
    order_number = models.CharField(_("order number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CardOrderStatus.choices, default=CardOrderStatus.ORDERED
    )
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["ordered_at", "id"]

    def __str__(self) -> str:
        return self.order_number


class HandOver(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hand_over")
    collected_by = models.CharField(_("collected by"), max_length=200)
    collected_by_authorised = models.BooleanField(_("authorised person"), default=False)
    belehrung_handed_over = models.BooleanField(_("Belehrung handed over"), default=False)
    belehrung_language = models.CharField(
        _("Belehrung language"), max_length=5, choices=Language.choices, blank=True
    )
    handed_over_at = models.DateTimeField(_("handed over at"), default=timezone.now)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


class Hearing(models.Model):
    """The hearing before a refusal (§ 28 VwVfG): the decisive facts put to the applicant, the
    date until which they may comment, and their answer once it is recorded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    grounds = models.TextField(_("decisive facts and intended decision"))
    due_on = models.DateField(_("comments due by"))
    requested_at = models.DateTimeField(_("hearing letter of"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("answer of the applicant"), blank=True)
    answer_via = models.CharField(
        _("answer received by"), max_length=20, choices=HearingAnswerVia.choices, blank=True
    )
    answered_at = models.DateTimeField(_("answer received at"), null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Files the applicant sent with the answer (private storage names), one per line.
    answer_files = models.JSONField(_("attached files"), default=list, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.due_on:%d.%m.%Y}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    def is_over(self, today: dt.date | None = None) -> bool:
        """The applicant answered, or the period to comment has passed."""
        return self.answered or (today or timezone.localdate()) > self.due_on


class Notice(models.Model):
    """A letter that is part of a decision (hearing letter, refusal or grant notice).

    Its text is fixed when it is drafted (``sections``: subject and paragraphs per language,
    with the office's instructions on legal remedies); a second person approves that text
    where four eyes are required; on issue the PDF is rendered once, stored and its SHA-256
    recorded: what was sent is what the file shows. An issued notice never changes again.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    status = FSMField(
        _("status"), default=NoticeStatus.DRAFTED, choices=NoticeStatus.choices, protected=False
    )
    workflow = NOTICE_WORKFLOW.bind()
    hearing = models.ForeignKey(
        Hearing, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    #: ``[{"language": "de", "subject": "…", "paragraphs": ["…", …]}, …]``
    sections = models.JSONField(_("text"), default=list)
    reason = models.TextField(_("reasons"), blank=True)
    drafted_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: A certificate's own validity (the Fiktionsbescheinigung); empty for notices.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.CharField(_("stored PDF"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    delivery = models.CharField(
        _("sent by"), max_length=10, choices=NoticeDelivery.choices, blank=True
    )
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        ordering = ["drafted_at", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    #: What may still change once a notice is issued: whether and when it went out.
    AFTER_ISSUE = frozenset({"emailed_at", "posted_at"})

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values().first()
            if stored and stored["status"] == NoticeStatus.ISSUED:
                changed = {
                    f.attname
                    for f in self._meta.concrete_fields
                    if getattr(self, f.attname) != stored[f.attname]
                }
                if changed - self.AFTER_ISSUE:
                    raise ValueError("An issued notice cannot be changed.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == NoticeStatus.ISSUED:
            raise ValueError("An issued notice cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def subject(self) -> str:
        return self.sections[0]["subject"] if self.sections else ""


class ParticipationKind(models.Model):
    """Another authority that takes part before a decision, and for which case types.

    Office management keeps these (admin snippets): e.g. the Federal Employment Agency's
    consent (§ 39 AufenthG) for employment titles, deemed given after 14 days (§ 36 (2)
    BeschV); the security consultation (§ 73 AufenthG); the query to the central register.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    authority = models.CharField(_("authority"), max_length=200)
    name = models.CharField(_("what is asked"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=100, blank=True)
    deemed_consent_days = models.PositiveSmallIntegerField(
        _("consent deemed given after (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Empty when silence is no consent. For the Federal Employment Agency 14 days "
            "(§ 36 (2) BeschV)."
        ),
    )
    case_types = models.ManyToManyField(
        CaseType,
        blank=True,
        related_name="participation_kinds",
        verbose_name=_("needed for these case types"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["authority", "name"]
        verbose_name = _("participation of another authority")
        verbose_name_plural = _("participations of other authorities")

    def __str__(self) -> str:
        basis = f" ({self.legal_basis})" if self.legal_basis else ""
        return f"{self.authority}: {self.name}{basis}"


class Participation(models.Model):
    """One authority's part in one case: requested, then answered or deemed given.

    Its own lifecycle (:data:`casework.workflow.PARTICIPATION_WORKFLOW`) runs beside the
    case's; the case's decision waits for it (the guard says until when).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participations")
    kind = models.ForeignKey(
        ParticipationKind, on_delete=models.PROTECT, related_name="participations"
    )
    #: The authority's name as it was asked (the catalogue may be renamed later).
    authority = models.CharField(_("authority"), max_length=200)
    status = FSMField(
        _("status"),
        default=ParticipationStatus.REQUESTED,
        choices=ParticipationStatus.choices,
        protected=False,
    )
    workflow = PARTICIPATION_WORKFLOW.bind()
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: The day from which silence counts as consent; ``None``: it never does.
    deemed_on = models.DateField(_("consent deemed given on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["status", "deemed_on"])]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.authority} ({self.case_id})"

    @property
    def is_open(self) -> bool:
        return self.status == ParticipationStatus.REQUESTED

    @property
    def title(self) -> str:
        return f"{self.authority}: {self.kind.name}" if self.kind_id else self.authority


class ResidenceRecordQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> "ResidenceRecordQuerySet":
        """Records valid on ``on`` (today) and not replaced by a newer document."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on),
            superseded_by__isnull=True,
        )


class ResidenceRecord(models.Model):
    """One status document of a person (the register, "Ausländerdatei"): a residence title,
    a Duldung, an Aufenthaltsgestattung, a Fiktionsbescheinigung or an EU residence card.

    The person's current status is derived from these rows (:func:`current_record`); a
    record is never deleted when a newer one replaces it, it is marked ``superseded_by``.
    Written only by :mod:`casework.services` (hand-over, continuation, entry, import), each
    change with a :class:`ResidenceRecordHistory` row.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="residence_records", verbose_name=_("person")
    )
    kind = models.CharField(_("kind of document"), max_length=12, choices=RecordKind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=100, blank=True)
    title = models.CharField(
        _("designation"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Aufenthaltserlaubnis – vorübergehender Schutz”."),
    )
    case_type = models.ForeignKey(
        CaseType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case type"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residence_records",
        verbose_name=_("issued by case"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty for a permanent title.")
    )
    card_number = models.CharField(_("card or document number"), max_length=40, blank=True)
    employment_permitted = models.BooleanField(
        _("employment permitted"), null=True, blank=True, help_text=_("Empty: not recorded.")
    )
    conditions = models.TextField(_("further conditions"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=RecordSource.choices)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("replaced by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidenceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-valid_from", "-id"]
        indexes = [
            models.Index(fields=["person", "valid_from"]),
            # Reminders, forecast and continuation read the records still in force by date.
            models.Index(
                fields=["valid_until", "person"],
                condition=models.Q(superseded_by__isnull=True),
                name="record_in_force_until",
            ),
            # The persons a department entered (policy.residence_record_parts), index only.
            models.Index(fields=["department", "person"], name="record_department_person"),
            # Target groups: the persons whose current status is of a kind (a Duldung).
            models.Index(
                fields=["kind", "person"],
                condition=models.Q(superseded_by__isnull=True),
                name="record_in_force_kind",
            ),
        ]
        verbose_name = _("residence record")
        verbose_name_plural = _("residence records")

    def __str__(self) -> str:
        label = self.title or self.get_kind_display()
        return f"{label} ({self.legal_basis})" if self.legal_basis else label

    def is_in_force(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.superseded_by_id is None
            and (self.valid_from is None or self.valid_from <= on)
            and (self.valid_until is None or self.valid_until >= on)
        )


class ResidenceRecordHistory(models.Model):
    """One immutable row per change of a residence record, written with the change."""

    record = models.ForeignKey(ResidenceRecord, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(_("event"), max_length=12, choices=RecordEvent.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    #: ``[{"field": "valid_until", "old": "2026-03-04", "new": "2027-03-04"}, …]``
    changes = models.JSONField(_("changes"), default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("residence record history entry")
        verbose_name_plural = _("residence record history")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("History rows are immutable.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History rows are immutable.")

    @property
    def validity_change(self) -> tuple[dt.date | None, dt.date | None] | None:
        """The old and the new end of validity, where this row moved it."""
        for entry in self.changes or ():
            if entry.get("field") == "valid_until":
                old, new = entry.get("old") or None, entry.get("new") or None
                return (
                    dt.date.fromisoformat(old) if old else None,
                    dt.date.fromisoformat(new) if new else None,
                )
        return None


class HouseholdChild(models.Model):
    """A child who lives in the person's household (§ 25b (1) AufenthG: with a minor
    unmarried child in the household four years of toleration instead of six).

    The smallest thing the register needs to know about a family: the child is a person of
    the register (their birth date says whether they are a minor on a given day), the row
    says that they live with this parent and whether they are married. Children filed
    together with a parent's case (``Case.filed_with`` as child) count as well, see
    :mod:`casework.target_groups`. Written only by :func:`casework.services.record_household_child`.
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="household_children",
        verbose_name=_("parent"),
    )
    child = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_parents", verbose_name=_("child")
    )
    married = models.BooleanField(_("child is married"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "child"], name="unique_household_child"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("child")), name="household_child_not_self"
            ),
        ]
        verbose_name = _("child in the household")
        verbose_name_plural = _("children in the household")

    def __str__(self) -> str:
        return f"{self.person} – {self.child}"


class CaseHistory(models.Model):
    """One immutable row per state change, written in the transaction of the change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(_("transition"), max_length=50)
    from_state = models.CharField(_("from"), max_length=30, choices=CaseState.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=CaseState.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    #: How the step reached the office (the receipt: online, post …). Without a user (``by``)
    #: it names the actor, e.g. an application filed online by the applicant.
    via = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    #: Fields the step changed: ``[{"field": "title_expires_on", "old": "2025-03-04",
    #: "new": "2027-03-04"}, …]`` (person fields as ``"person.passport_number"``).
    changes = models.JSONField(_("changes"), default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]
        # Statistics count state changes into a state over a period.
        indexes = [models.Index(fields=["to_state", "at"])]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("History rows are immutable.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History rows are immutable.")

    @property
    def actor(self) -> str:
        """Who did it: the staff member; without one, the channel (an online application);
        without either, the system (a background job)."""
        if self.by_id is not None:
            return self.by.get_full_name() or self.by.get_username()
        if self.via:
            return str(self.get_via_display())
        return str(_("System"))

    @property
    def change_lines(self) -> list[dict[str, str]]:
        """The field changes for people: the field's label, old and new value as shown."""
        return [_change_line(entry) for entry in self.changes or ()]

    def _state_title(self, state: str) -> str:
        if not state:
            return ""
        if "case" in self._state.fields_cache:
            return self.case.workflow.state_title(state)
        return str(CASE_WORKFLOWS.states().get(state, state))

    @property
    def from_title(self) -> str:
        """The state left, as the case's workflow names it."""
        return self._state_title(self.from_state)

    @property
    def to_title(self) -> str:
        """The state entered, as the case's workflow names it."""
        return self._state_title(self.to_state)

    @property
    def step_title(self) -> str:
        """The workflow step's title, or what a row that is no transition records."""
        # The case's workflow when the case is at hand (no query per row otherwise: a
        # transition name means the same step in every workflow that declares it).
        key = self.case.workflow_key if "case" in self._state.fields_cache else None
        title = CASE_WORKFLOWS.transition_title(self.transition, key)
        if title is not None:
            return title
        if self.transition in HistoryEvent.values:
            return str(HistoryEvent(self.transition).label)
        return self.transition


def _change_line(entry: dict) -> dict[str, str]:
    name = str(entry.get("field", ""))
    model, attname = (Person, name.split(".", 1)[1]) if name.startswith("person.") else (Case, name)
    try:
        field = model._meta.get_field(attname)
    except Exception:  # a field that no longer exists keeps its name
        return {"field": name, "old": entry.get("old", ""), "new": entry.get("new", "")}

    def shown(value: str) -> str:
        if value in ("", None):
            return "–"
        if isinstance(field, models.BooleanField):
            return str(_("yes") if value in ("1", "True", "true") else _("no"))
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            try:
                return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except ValueError:
                return value
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return value

    label = str(field.verbose_name)
    if model is Person:
        label = f"{_('Person')}: {label}"
    return {"field": label, "old": shown(entry.get("old", "")), "new": shown(entry.get("new", ""))}


class CaseComment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class CaseAccessLog(models.Model):
    """Who opened which case file, and when (data protection)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    route = models.CharField(_("route"), max_length=40)

    class Meta:
        ordering = ["-at", "-id"]

    @property
    def route_label(self) -> str:
        if self.route in AccessRoute.values:
            return str(AccessRoute(self.route).label)
        return self.route


class FileNumberSequence(models.Model):
    """Per-year counter for file numbers; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


# django-guardian direct foreign-key permission models, with an expiry for shares.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )


class ApiToken(models.Model):
    """A bearer token for the JSON API; only a hash of the key is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="casework_api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_current(self) -> bool:
        """Neither revoked nor expired (the owner's access is checked on each call)."""
        return (
            self.revoked_at is None
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
