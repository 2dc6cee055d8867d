"""The steps of the online application, one form per step."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.constants import FamilyRelation, IdDocument, PhotoSource
from casework.models import CaseType
from casework.services import title_expiry_problem
from casework.workflow import add_years
from config.forms import PublicForm
from config.german_terms import case_type_label_html, localized_name_html

from .uploads import check_upload

#: Letters of the Latin alphabet as passports print them (with diacritics), spaces,
#: hyphens, apostrophes and full stops.
LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ' .\-]+$")
#: Any letters (Cyrillic, Arabic, …) plus the same separators.
NATIVE_NAME = re.compile(r"^[^\W\d_]+(?:[' .\-]+[^\W\d_]+)*[.]?$")
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
PHOTO_CODE = re.compile(r"^[A-Za-z0-9\-]{6,64}$")
NAME_MAX_LENGTH = 100
MAX_AGE_YEARS = 120

STATELESS = "XXA"
NATIONALITY_UNCLEAR = "XXX"


def nationality_choices():
    """Countries in the current language, as ISO 3166 alpha-3 codes."""
    choices = [("", "—")]
    choices += [(countries.alpha3(country.code), country.name) for country in countries]
    choices += [(STATELESS, _("Stateless")), (NATIONALITY_UNCLEAR, _("Nationality not clarified"))]
    return choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _latin_name(value: str) -> str:
    if value and not (LATIN_NAME.match(value) and any(c.isalpha() for c in value)):
        raise ValidationError(
            _("Please write the name in Latin letters exactly as in your passport."),
            code="not_latin",
        )
    return value


def _native_name(value: str) -> str:
    if value and not NATIVE_NAME.match(value):
        raise ValidationError(_("Please use letters only."), code="not_letters")
    return value


def _name_field(label, *, autocomplete="off", required=True, help_text="", validator=_latin_name):
    """A name field; ``autocomplete`` says its purpose (WCAG 1.3.5), e.g. "given-name"."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=NAME_MAX_LENGTH,
        help_text=help_text,
        validators=[validator],
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"}),
    )


class PersonalForm(PublicForm):
    family_name = _name_field(
        _("Family name"),
        autocomplete="family-name",
        help_text=_("In Latin letters, exactly as in your passport."),
    )
    given_names = _name_field(
        _("Given names"),
        autocomplete="given-name",
        help_text=_("In Latin letters, exactly as in your passport."),
    )
    # A section of their own, so that the browser does not fill in the Latin names here.
    family_name_native = _name_field(
        _("Family name in your native script"),
        autocomplete="section-native family-name",
        required=False,
        help_text=_("e.g. in Cyrillic or Arabic script."),
        validator=_native_name,
    )
    given_names_native = _name_field(
        _("Given names in your native script"),
        autocomplete="section-native given-name",
        required=False,
        validator=_native_name,
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput(attrs={"autocomplete": "bday"})
    )
    nationality = forms.ChoiceField(label=_("Nationality"), choices=nationality_choices)
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    passport_valid_until = forms.DateField(label=_("Passport valid until"), widget=DateInput())
    street = forms.CharField(
        label=_("Street and house number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Please enter the five-digit German postal code.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    town = forms.CharField(
        label=_("Town"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send the confirmation of your application to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language for letters and e-mails"),
        choices=[("de", "Deutsch"), ("en", "English"), ("uk", "Українська"), ("ru", "Русский")],
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today:
            raise ValidationError(
                _("The date of birth cannot be in the future."), code="birth_in_future"
            )
        if value < add_years(today, -MAX_AGE_YEARS):
            raise ValidationError(
                _("Please check the date of birth: it is more than %(years)s years ago."),
                code="birth_too_early",
                params={"years": MAX_AGE_YEARS},
            )
        return value

    def __init__(self, *args, any_identity_document: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        #: § 24: a passport, a national identity card (e.g. the Ukrainian ID card) or none
        #: at all; an expired document still helps to prove identity.
        self.any_identity_document = any_identity_document
        if any_identity_document:
            self.fields["id_document"] = forms.ChoiceField(
                label=_("Which identity document do you have?"),
                choices=[
                    (IdDocument.PASSPORT, _("A passport")),
                    (IdDocument.ID_CARD, _("No passport, but a national identity card")),
                    (IdDocument.NONE, _("Neither (we clarify your identity at the appointment)")),
                ],
                initial=IdDocument.PASSPORT,
                widget=forms.RadioSelect,
            )
            number = self.fields["passport_number"]
            number.label = _("Number of the document")
            number.required = False
            number.help_text = _("As printed on the passport or the identity card.")
            valid = self.fields["passport_valid_until"]
            valid.label = _("Document valid until (if printed)")
            valid.required = False
            valid.help_text = _("An expired document is accepted as proof of identity.")
            order = list(self.fields)
            order.remove("id_document")
            order.insert(order.index("passport_number"), "id_document")
            self.order_fields(order)

    def clean_passport_number(self):
        value = re.sub(r"[\s\-]", "", self.cleaned_data["passport_number"]).upper()
        if not value and self.any_identity_document:
            return ""
        if not PASSPORT_NUMBER.match(value):
            raise ValidationError(
                _("Please enter the passport number as printed: 5 to 20 letters and digits."),
                code="passport_number",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if self.any_identity_document:
            if cleaned.get("id_document") == IdDocument.NONE:
                cleaned["passport_number"] = ""
                cleaned["passport_valid_until"] = None
                self.errors.pop("passport_number", None)
                self.errors.pop("passport_valid_until", None)
            elif "passport_number" in cleaned and not cleaned["passport_number"]:
                self.add_error(
                    "passport_number",
                    ValidationError(_("Please enter the number of the document."), code="required"),
                )
        return cleaned

    def clean_passport_valid_until(self):
        value = self.cleaned_data["passport_valid_until"]
        if value is None:
            return None
        if self.any_identity_document:
            if value > timezone.localdate() + dt.timedelta(days=366 * 15):
                raise ValidationError(
                    _("Please check this date: it is too far in the future."),
                    code="passport_validity",
                )
            return value
        if value < timezone.localdate():
            raise ValidationError(
                _(
                    "Your passport has expired. A valid passport is required; please apply "
                    "for a new passport first or contact us."
                ),
                code="passport_expired",
            )
        if value > timezone.localdate() + dt.timedelta(days=366 * 15):
            raise ValidationError(
                _("Please check this date: passports are valid for at most ten years."),
                code="passport_validity",
            )
        return value


class CaseTypeChoiceField(forms.ModelChoiceField):
    """Case types by legal basis and name in the applicant's language."""

    def label_from_instance(self, obj):
        return case_type_label_html(obj)


class ApplicationForm(PublicForm):
    case_type = CaseTypeChoiceField(
        label=_("What do you apply for?"),
        queryset=CaseType.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    is_extension = forms.TypedChoiceField(
        label=_("Is this a first application or an extension?"),
        choices=[("0", _("First application")), ("1", _("Extension of my current title"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    current_title = forms.CharField(
        label=_("Your current residence title"),
        required=False,
        max_length=200,
        help_text=_("As printed on your card, e.g. “Aufenthaltserlaubnis § 18b AufenthG”."),
    )
    title_expires_on = forms.DateField(
        label=_("Your current title is valid until"), required=False, widget=DateInput()
    )

    def __init__(self, *args, case_types=None, allow_extension=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types if case_types is not None else []
        self.allow_extension = allow_extension
        if allow_extension:
            # Required for an extension only; their hints say so instead of a marker.
            self.unmarked_fields = frozenset({"current_title", "title_expires_on"})
            self.fields["title_expires_on"].help_text = _("Needed for an extension.")
        else:
            del self.fields["is_extension"]
            self.fields["current_title"].help_text = _("The residence title you hold now.")

    def clean(self):
        cleaned = super().clean()
        if self.allow_extension and cleaned.get("is_extension"):
            if not cleaned.get("current_title"):
                self.add_error(
                    "current_title",
                    ValidationError(
                        _("Please name the title you want to extend."), code="required"
                    ),
                )
            if not cleaned.get("title_expires_on") and "title_expires_on" not in self.errors:
                self.add_error(
                    "title_expires_on",
                    ValidationError(
                        _("Please enter the date until which your current title is valid."),
                        code="required",
                    ),
                )
            elif cleaned.get("title_expires_on"):
                problem = title_expiry_problem(
                    cleaned["title_expires_on"], received_on=timezone.localdate()
                )
                if problem:
                    self.add_error("title_expires_on", ValidationError(problem, code="implausible"))
        else:
            cleaned["is_extension"] = False
        return cleaned


class FamilyMemberForm(PublicForm):
    """A family member applying together with the applicant (same address and contact)."""

    relation = forms.ChoiceField(
        label=_("Relation to you"),
        choices=[("", "—"), *FamilyRelation.choices],
    )
    family_name = _name_field(
        _("Family name"), help_text=_("In Latin letters, as in the document if there is one.")
    )
    given_names = _name_field(_("Given names"))
    family_name_native = _name_field(
        _("Family name in the native script"),
        required=False,
        help_text=_("e.g. in Cyrillic script."),
        validator=_native_name,
    )
    given_names_native = _name_field(
        _("Given names in the native script"), required=False, validator=_native_name
    )
    # Another person's data: no autocomplete purpose (WCAG 1.3.5 is about the user's own).
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput(attrs={"autocomplete": "off"})
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), choices=nationality_choices, initial="UKR"
    )
    id_document = forms.ChoiceField(
        label=_("Identity document"),
        choices=IdDocument.choices,
        initial=IdDocument.PASSPORT,
        help_text=_("For children without a passport: the birth certificate."),
    )
    document_number = forms.CharField(
        label=_("Number of the document"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    document = forms.FileField(
        label=_("Copy of the document"),
        required=False,
        help_text=_("PDF, JPEG or PNG. You can also send it later."),
        validators=[lambda upload: check_upload(upload)],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today:
            raise ValidationError(
                _("The date of birth cannot be in the future."), code="birth_in_future"
            )
        if value < today.replace(year=today.year - MAX_AGE_YEARS):
            raise ValidationError(
                _("Please check the date of birth: it is more than %(years)s years ago."),
                code="birth_too_early",
                params={"years": MAX_AGE_YEARS},
            )
        return value

    def clean_document_number(self):
        value = re.sub(r"[\s\-]", "", self.cleaned_data["document_number"]).upper()
        if value and not PASSPORT_NUMBER.match(value):
            raise ValidationError(
                _("Please enter the number as printed: 5 to 20 letters and digits."),
                code="document_number",
            )
        return value


class BaseFamilyFormSet(forms.BaseFormSet):
    """The family members of an application; blank and removed entries are left out."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = _(
                "Remove this person from the application"
            )

    def members(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


FamilyFormSet = forms.formset_factory(
    FamilyMemberForm, formset=BaseFamilyFormSet, extra=0, can_delete=True, max_num=15
)


class DocumentsForm(PublicForm):
    """One upload per item of the checklist of the chosen case type; all optional.

    Documents not uploaded now can be sent later; the status page lists them as missing.
    """

    def __init__(self, *args, required_documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.required_documents = list(required_documents)
        for document in self.required_documents:
            self.fields[f"doc_{document.code}"] = forms.FileField(
                label=localized_name_html(document),
                required=False,
                validators=[_validate_upload],
                widget=forms.ClearableFileInput(
                    attrs={"accept": "application/pdf,image/jpeg,image/png"}
                ),
            )

    def uploads(self) -> dict:
        """Uploaded files by document code."""
        return {
            document.code: self.cleaned_data[f"doc_{document.code}"]
            for document in self.required_documents
            if self.cleaned_data.get(f"doc_{document.code}")
        }


def _validate_upload(upload):
    check_upload(upload)


class PhotoForm(PublicForm):
    unmarked_fields = frozenset({"photo_reference"})

    photo_source = forms.ChoiceField(
        label=_("Your photo"),
        choices=[
            (
                PhotoSource.QR_CODE,
                _("I have a code (QR or Data-Matrix) from a certified photographer"),
            ),
            (PhotoSource.ON_SITE, _("Take my photo at the office (fee: 6 euros)")),
        ],
        widget=forms.RadioSelect,
    )
    photo_reference = forms.CharField(
        label=_("Photo code"),
        required=False,
        max_length=64,
        help_text=_(
            "The characters printed below the code on your photo receipt. Needed if you "
            "have a code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo_source") == PhotoSource.QR_CODE:
            reference = (cleaned.get("photo_reference") or "").strip()
            if not reference:
                self.add_error(
                    "photo_reference",
                    ValidationError(_("Please enter the code of your photo."), code="required"),
                )
            elif not PHOTO_CODE.match(reference):
                self.add_error(
                    "photo_reference",
                    ValidationError(
                        _("The code consists of 6 to 64 letters, digits and hyphens."),
                        code="invalid",
                    ),
                )
        else:
            cleaned["photo_reference"] = ""
        return cleaned


class ConsentForm(PublicForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that the immigration office processes the data and documents of this "
            "application to decide on it."
        ),
        error_messages={"required": _("We can only process your application with your consent.")},
    )
    truthful = forms.BooleanField(
        label=_("I confirm that my details are true and complete."),
        error_messages={"required": _("Please confirm that your details are true.")},
    )


class SummaryForm(PublicForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class StatusForm(PublicForm):
    file_number = forms.CharField(
        label=_("File number"),
        max_length=32,
        help_text=_("As in your confirmation, e.g. ABH-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput(attrs={"autocomplete": "bday"})
    )

    def clean_file_number(self):
        return re.sub(r"\s", "", self.cleaned_data["file_number"]).upper()


class SendDocumentsForm(forms.Form):
    """The status page's upload: one optional file per missing document, at least one."""

    def __init__(self, *args, missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = list(missing)
        for code, name in self.missing:
            self.fields[f"doc_{code}"] = forms.FileField(
                label=name,
                required=False,
                validators=[_validate_upload],
                widget=forms.ClearableFileInput(
                    attrs={"accept": "application/pdf,image/jpeg,image/png"}
                ),
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.uploads():
            raise ValidationError(
                _("Please choose at least one file to send."), code="nothing_chosen"
            )
        return cleaned

    def uploads(self) -> dict:
        """Uploaded files by checklist code."""
        return {
            code: self.cleaned_data[f"doc_{code}"]
            for code, _name in self.missing
            if self.cleaned_data.get(f"doc_{code}")
        }


class HearingAnswerForm(forms.Form):
    """The applicant's comments on an intended refusal, from the status page."""

    answer = forms.CharField(
        label=_("Your comments"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
        help_text=_("What should we take into account before we decide? At most 5,000 characters."),
    )
    attachment = forms.FileField(
        label=_("A document supporting your comments (optional)"),
        required=False,
        validators=[_validate_upload],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and not (cleaned.get("answer") or "").strip()
            and not cleaned.get("attachment")
        ):
            raise ValidationError(
                _("Please write your comments or choose a document."), code="empty"
            )
        return cleaned
