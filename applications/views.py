"""Public views: the application forms, the confirmation, the receipt and the status lookup;
and one staff view that serves uploaded documents to those allowed to see the case."""

import mimetypes
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import SessionWizardView

from casework.constants import FamilyRelation, IdDocument, PhotoSource
from casework.models import Case, CaseDocument
from casework.selectors import cases_visible_to
from casework.services import log_case_access
from config.middleware import forms_answer_control_characters
from config.ratelimits import proof_allowed, record_failed_proof

from . import selectors, services
from .constants import EXTENSION_KINDS, FAMILY_KINDS, NO_CARD_KINDS, ApplicationKind
from .forms import (
    ApplicationForm,
    ConsentForm,
    DocumentsForm,
    FamilyFormSet,
    FamilyMemberForm,
    HearingAnswerForm,
    PersonalForm,
    PhotoForm,
    SendDocumentsForm,
    StatusForm,
    SummaryForm,
)
from .receipt import render_receipt
from .uploads import incoming_storage, max_upload_bytes, private_storage

DEFAULT_RATES = {
    "APPLICATION_FORM_RATE": "120/h",
    "APPLICATION_STATUS_RATE": "20/h",
    "APPLICATION_STATUS_PER_CASE_RATE": "10/h",
}


def _rate(name: str):
    def rate(group, request):
        return getattr(settings, name, DEFAULT_RATES[name])

    return rate


def _limited(request, group: str, setting: str, key="ip") -> bool:
    return is_ratelimited(
        request, group=group, key=key, rate=_rate(setting), method="POST", increment=True
    )


def _too_many(request, template: str, context: dict):
    context = {**context, "throttled": True}
    return render(request, template, context, status=429)


#: ``?neu`` on the form's address starts a new application instead of the one in progress.
RESTART_PARAMETER = "neu"

STEPS = [
    ("personal", PersonalForm),
    ("application", ApplicationForm),
    ("family", FamilyFormSet),
    ("documents", DocumentsForm),
    ("photo", PhotoForm),
    ("consent", ConsentForm),
    ("summary", SummaryForm),
]


def step_titles():
    return {
        "personal": _("Personal data"),
        "application": _("Application"),
        "family": _("Family members"),
        "documents": _("Documents"),
        "photo": _("Photo"),
        "consent": _("Consent"),
        "summary": _("Check and send"),
    }


def index(request):
    kinds = [
        (kind, selectors.available_case_types(kind.value).exists()) for kind in ApplicationKind
    ]
    return render(request, "applications/index.html", {"kinds": kinds})


class ApplicationWizard(SessionWizardView):
    """The steps of one application form; ``kind`` in the URL picks the form."""

    @classmethod
    def as_view(cls, **initkwargs):
        # Its steps are public forms: control characters get an error at the field.
        return forms_answer_control_characters(super().as_view(**initkwargs))

    form_list = STEPS
    template_name = "applications/wizard.html"
    condition_dict = {
        "family": lambda wizard: wizard.kind in FAMILY_KINDS,
        "photo": lambda wizard: wizard.kind not in NO_CARD_KINDS,
    }

    @property
    def file_storage(self):
        return incoming_storage()

    def dispatch(self, request, *args, **kwargs):
        kind = kwargs.get("kind")
        if kind not in ApplicationKind.values:
            raise Http404
        self.kind = ApplicationKind(kind)
        self.case_types = selectors.available_case_types(self.kind)
        if not self.case_types.exists():
            return render(request, "applications/unavailable.html", {"kind": self.kind})
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs):
        return f"application_{kwargs['kind']}"

    def _in_progress(self) -> bool:
        return self.storage.current_step is not None and bool(self.storage.extra_data.get("token"))

    def get(self, request, *args, **kwargs):
        """A new application, or the one in progress where the applicant left it.

        The application in progress survives a change of language (the same form under another
        language prefix) and a reload; ``?neu`` starts a new one.
        """
        if RESTART_PARAMETER in request.GET or not self._in_progress():
            self.storage.reset()
            self.storage.current_step = self.steps.first
            self.storage.extra_data = {"token": secrets.token_urlsafe(32)}
            return self.render(self.get_form())
        return self.render(self._form_as_left(), resumed=True)

    def _form_as_left(self):
        """The current step with what was stored for it, not checked before it is sent."""
        step = self.steps.current
        data = self.storage.get_step_data(step)
        form = self.get_form(data=data, files=self.storage.get_step_files(step))
        if data is not None:
            for each in getattr(form, "forms", [form]):
                each._errors = ErrorDict()
                each.cleaned_data = {}
            if hasattr(form, "forms"):
                form._errors = []
                form._non_form_errors = form.error_class()
        return form

    def post(self, request, *args, **kwargs):
        # A repeated final POST (double click, reload, retry) answers the first submission.
        previous = selectors.submission_for_token(request.POST.get("summary-token", ""))
        if previous is not None:
            return redirect("applications:confirmation", token=previous.token)
        if _limited(request, "applications.form", "APPLICATION_FORM_RATE"):
            return _too_many(request, "applications/throttled.html", {"kind": self.kind})
        if "switch_language" in request.POST:
            self._keep_step(request, request.POST)
            return redirect(request.path)
        if "family_add" in request.POST:
            return self._add_family_member(request)
        return super().post(request, *args, **kwargs)

    def _keep_step(self, request, data) -> bool:
        """Store what was sent for the current step as it is, unchecked (language switch,
        adding a family member); only for the step the applicant is on."""
        management = ManagementForm(request.POST, prefix=self.prefix)
        if not (
            self._in_progress()
            and management.is_valid()
            and management.cleaned_data["current_step"] == self.steps.current
        ):
            return False
        self.storage.set_step_data(self.steps.current, data)
        if request.FILES:
            self.storage.set_step_files(self.steps.current, request.FILES)
        return True

    def _add_family_member(self, request):
        """One more (empty) family member on the family step, keeping what was typed."""
        if self.steps.current == "family":
            data = request.POST.copy()
            key = f"{self.get_form_prefix('family', FamilyFormSet)}-TOTAL_FORMS"
            try:
                total = int(data.get(key, 0))
            except ValueError:
                total = 0
            if total < FamilyFormSet.max_num:
                data[key] = str(total + 1)
                # The new entry starts with the fields' defaults (nationality, document).
                prefix = self.get_form_prefix("family", FamilyFormSet)
                for name, field in FamilyMemberForm.base_fields.items():
                    if field.initial is not None:
                        data[f"{prefix}-{total}-{name}"] = str(field.initial)
            self._keep_step(request, data)
        return self.render(self._form_as_left())

    def get_form_kwargs(self, step=None):
        if step == "personal":
            return {"any_identity_document": self.kind in FAMILY_KINDS}
        if step == "application":
            return {"case_types": self.case_types, "allow_extension": self.kind in EXTENSION_KINDS}
        if step == "documents":
            return {"required_documents": self._required_documents()}
        return {}

    def get_form_initial(self, step):
        if step == "summary":
            return {"token": self.storage.extra_data.get("token", "")}
        if step == "personal":
            return {"language": self.request.LANGUAGE_CODE}
        if step == "application" and self.case_types.count() == 1:
            return {"case_type": self.case_types.first()}
        return super().get_form_initial(step)

    def _chosen_case_type(self):
        data = self.get_cleaned_data_for_step("application")
        return data["case_type"] if data else None

    def _required_documents(self):
        case_type = self._chosen_case_type()
        return list(case_type.required_documents.all()) if case_type else []

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        titles = step_titles()
        context.update(
            kind=self.kind,
            restart_parameter=RESTART_PARAMETER,
            step_title=titles[self.steps.current],
            step_titles=[(name, titles[name]) for name in self.get_form_list()],
            upload_limit=max_upload_bytes(),
        )
        if self.steps.current == "summary":
            context["summary"] = self._summary()
        return context

    def _family(self) -> list[dict]:
        if "family" not in self.get_form_list():
            return []
        formset = self.get_form(
            step="family",
            data=self.storage.get_step_data("family"),
            files=self.storage.get_step_files("family"),
        )
        return formset.members() if formset.is_valid() else []

    def _summary(self) -> dict:
        personal = self.get_cleaned_data_for_step("personal") or {}
        application = self.get_cleaned_data_for_step("application") or {}
        documents_form = self.get_form(
            step="documents",
            data=self.storage.get_step_data("documents"),
            files=self.storage.get_step_files("documents"),
        )
        uploaded = documents_form.uploads() if documents_form.is_valid() else {}
        photo = (
            self.get_cleaned_data_for_step("photo") or {} if "photo" in self.get_form_list() else {}
        )
        nationality = dict(PersonalForm.base_fields["nationality"].choices).get(
            personal.get("nationality"), personal.get("nationality")
        )
        return {
            "personal": personal,
            "nationality": nationality,
            "application": application,
            "documents": [
                (document.localized_name(), uploaded.get(document.code))
                for document in documents_form.required_documents
            ],
            "photo": photo,
            "photo_on_site": photo.get("photo_source") == PhotoSource.ON_SITE,
            "id_document": _id_document_label(personal),
            "family": [
                {**member, "relation_label": FamilyRelation(member["relation"]).label}
                for member in self._family()
            ],
        }

    def done(self, form_list, form_dict, **kwargs):
        result = services.submit_application(
            token=form_dict["summary"].cleaned_data["token"],
            kind=self.kind,
            personal=form_dict["personal"].cleaned_data,
            application=form_dict["application"].cleaned_data,
            uploads=form_dict["documents"].uploads(),
            photo=form_dict["photo"].cleaned_data if "photo" in form_dict else {},
            family=form_dict["family"].members() if "family" in form_dict else (),
        )
        return redirect("applications:confirmation", token=result.submission.token)


def _id_document_label(personal: dict) -> str:
    """How the summary names the applicant's identity document."""
    kind = personal.get("id_document") or IdDocument.PASSPORT
    return IdDocument(kind).label


@never_cache
def confirmation(request, token: str):
    submission = selectors.submission_for_token(token)
    if submission is None:
        raise Http404
    context = services.confirmation_context(submission)
    context["receipt_url"] = reverse("applications:receipt", kwargs={"token": token})
    return render(request, "applications/confirmation.html", context)


@never_cache
def receipt(request, token: str):
    submission = selectors.submission_for_token(token)
    if submission is None:
        raise Http404
    response = HttpResponse(render_receipt(submission), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{submission.case.file_number}.pdf"'
    return response


def _file_number_key(group, request):
    form_value = request.POST.get("file_number", "")
    return "".join(form_value.split()).upper()[:32]


@forms_answer_control_characters
@never_cache
@csrf_protect
def status(request):
    """Where is my case? File number plus birth date; unknown and wrong answer alike."""
    context: dict = {}
    if request.method == "POST":
        form = StatusForm(request.POST)
        limited = _limited(request, "applications.status", "APPLICATION_STATUS_RATE")
        limited = (
            _limited(
                request,
                "applications.status.case",
                "APPLICATION_STATUS_PER_CASE_RATE",
                key=_file_number_key,
            )
            or limited
        )
        if limited:
            return _too_many(request, "applications/status.html", {"form": StatusForm()})
        if form.is_valid():
            # Wrong birth dates per file number, counted with the booking pages and API.
            if not proof_allowed(request, form.cleaned_data["file_number"]):
                return _too_many(request, "applications/status.html", {"form": StatusForm()})
            found = selectors.case_status_for_applicant(**form.cleaned_data)
            if found is None:
                record_failed_proof(request, form.cleaned_data["file_number"])
                context["extra_errors"] = [
                    _(
                        "We could not find a case with this file number and date of birth. "
                        "Please check both entries."
                    )
                ]
                context["extra_errors_testid"] = "not-found"
            else:
                context.update(_status_context(found))
                form = StatusForm()
    else:
        form = StatusForm()
    context["form"] = form
    return render(request, "applications/status.html", context)


#: The status page's upload accepts files this long after the lookup (signed, no session).
SEND_DOCUMENTS_MAX_AGE = 60 * 60
_SEND_DOCUMENTS_SALT = "applications.status.send-documents"


def _status_context(found, *, send_form=None, answer_form=None) -> dict:
    """The status with, where documents are missing, the upload (the template adds the
    office's postal address from the site settings); during a hearing the form for the
    applicant's comments; the letters of the decision to download."""
    context = {"status": found, "upload_limit": max_upload_bytes()}
    token = signing.dumps({"case": found.case_id}, salt=_SEND_DOCUMENTS_SALT)
    if found.can_send_documents:
        context["send_form"] = send_form or SendDocumentsForm(missing=found.missing_items)
        context["send_token"] = token
    if found.can_answer_hearing:
        context["answer_form"] = answer_form or HearingAnswerForm()
        context["send_token"] = token
    context["notice_links"] = [
        (signing.dumps({"notice": pk}, salt=_NOTICE_SALT), title, issued_on)
        for pk, title, issued_on in found.notices
    ]
    return context


def _case_from_token(request):
    data = signing.loads(
        request.POST.get("token", ""), salt=_SEND_DOCUMENTS_SALT, max_age=SEND_DOCUMENTS_MAX_AGE
    )
    return Case.objects.get(pk=data["case"])


@never_cache
@csrf_protect
@require_POST
def answer_hearing(request):
    """The applicant's comments on an intended refusal (identified by the signed token of
    the lookup just made); casework records them once."""
    if _limited(request, "applications.form", "APPLICATION_FORM_RATE"):
        return _too_many(request, "applications/status.html", {"form": StatusForm()})
    try:
        case = _case_from_token(request)
    except (signing.BadSignature, KeyError, TypeError, Case.DoesNotExist):
        context = {"form": StatusForm(), "send_expired": True}
        return render(request, "applications/status.html", context, status=400)
    found = selectors.case_status(case)
    if not found.can_answer_hearing:
        return render(
            request, "applications/status.html", {**_status_context(found), "form": StatusForm()}
        )
    form = HearingAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.answer_hearing(
                case=case,
                answer=form.cleaned_data["answer"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        context = {**_status_context(found, answer_form=form), "form": StatusForm()}
        return render(request, "applications/status.html", context, status=400)
    context = {
        **_status_context(selectors.case_status(case)),
        "form": StatusForm(),
        "answered": True,
    }
    return render(request, "applications/status.html", context)


_NOTICE_SALT = "applications.status.notice"


@never_cache
def notice(request, token: str):
    """A letter of the decision as it was sent (hearing letter, notice): for an hour after
    the applicant looked up their case, by the signed link the status page showed."""
    try:
        data = signing.loads(token, salt=_NOTICE_SALT, max_age=SEND_DOCUMENTS_MAX_AGE)
        pdf = selectors.issued_notice_file(notice_id=int(data["notice"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404 from exc
    if pdf is None:
        raise Http404
    name, stream = pdf
    response = FileResponse(
        stream, content_type="application/pdf", as_attachment=False, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@csrf_protect
@require_POST
def send_documents(request):
    """The applicant uploads missing documents from the status page (identified by the
    signed token of the lookup just made); casework records them."""
    if _limited(request, "applications.form", "APPLICATION_FORM_RATE"):
        return _too_many(request, "applications/status.html", {"form": StatusForm()})
    try:
        data = signing.loads(
            request.POST.get("token", ""),
            salt=_SEND_DOCUMENTS_SALT,
            max_age=SEND_DOCUMENTS_MAX_AGE,
        )
        case = Case.objects.get(pk=data["case"])
    except (signing.BadSignature, KeyError, TypeError, Case.DoesNotExist):
        context = {"form": StatusForm(), "send_expired": True}
        return render(request, "applications/status.html", context, status=400)
    found = selectors.case_status(case)
    if not found.can_send_documents:
        return render(
            request, "applications/status.html", {**_status_context(found), "form": StatusForm()}
        )
    form = SendDocumentsForm(request.POST, request.FILES, missing=found.missing_items)
    if not form.is_valid():
        context = {**_status_context(found, send_form=form), "form": StatusForm()}
        return render(request, "applications/status.html", context, status=400)
    names = dict(found.missing_items)
    sent = [names[code] for code in form.uploads()]
    try:
        services.send_documents(case=case, uploads=form.uploads())
    except ValidationError as exc:
        form.add_error(None, exc)
        context = {**_status_context(found, send_form=form), "form": StatusForm()}
        return render(request, "applications/status.html", context, status=400)
    context = {**_status_context(selectors.case_status(case)), "form": StatusForm(), "sent": sent}
    return render(request, "applications/status.html", context)


def document(request, pk: int):
    """Serve an uploaded case document to staff who may see the case; 404 for everyone else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = get_object_or_404(CaseDocument.objects.exclude(file=""), pk=pk)
    if not cases_visible_to(request.user).filter(pk=item.case_id).exists():
        raise Http404
    storage = private_storage()
    if not storage.exists(item.file):
        raise Http404
    log_case_access(case=item.case, user=request.user, route="backoffice")
    content_type = mimetypes.guess_type(item.file)[0] or "application/octet-stream"
    response = FileResponse(
        storage.open(item.file, "rb"),
        content_type=content_type,
        as_attachment=False,
        filename=f"{item.case.file_number}-{Path(item.file).name}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def case_documents(request, file_number: str):
    """Staff list of the uploaded documents of one case (linked from the back office)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = get_object_or_404(cases_visible_to(request.user), file_number=file_number)
    log_case_access(case=case, user=request.user, route="backoffice")
    return render(
        request,
        "applications/staff/case_documents.html",
        {"case": case, "documents": case.documents.order_by("id")},
    )
