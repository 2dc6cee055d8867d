"""The online application forms and which case types each of them offers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.constants import CaseState


class ApplicationKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Residence permit for employment")
    SETTLEMENT = "settlement", _("Settlement permit (Niederlassungserlaubnis)")
    UKRAINE = "ukraine", _("Temporary protection for people from Ukraine (§ 24)")
    NATURALISATION = "naturalisation", _("Naturalisation (Einbürgerung)")


#: Case type codes (``casework.CaseType.code``) each form offers, in the order shown.
CASE_TYPE_CODES: dict[str, tuple[str, ...]] = {
    ApplicationKind.EMPLOYMENT: ("18b", "18a", "18g"),
    ApplicationKind.SETTLEMENT: ("9",),
    ApplicationKind.UKRAINE: ("24",),
    ApplicationKind.NATURALISATION: ("stag10",),
}

#: Forms whose applicants may ask for the extension of a current title. Not § 24: federal
#: ordinances continue those titles without an application.
EXTENSION_KINDS = frozenset({ApplicationKind.EMPLOYMENT})

#: Forms that accept a national identity card, or no document at all, instead of a passport,
#: and family members applying together (each gets a case of their own).
FAMILY_KINDS = frozenset({ApplicationKind.UKRAINE})

#: Forms of procedures without a card: no photo for the Federal Printing Office is asked.
NO_CARD_KINDS = frozenset({ApplicationKind.NATURALISATION})

#: Checklist codes under which a family member's identity document is filed, first match wins.
IDENTITY_DOCUMENT_CODES = ("identity-document", "passport", "birth-certificate")


class UploadType(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpg", "JPEG"
    PNG = "png", "PNG"


#: What happens after the application, per procedure (workflow key); the eAT's by default.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "eat": (
        _(
            "We check applications strictly in the order they arrive. If documents are "
            "missing, we will write to you."
        ),
        _(
            "When your application has been checked, you book an appointment for your "
            "fingerprints and photo and pay the fee."
        ),
        _(
            "Your residence card is produced by the Federal Printing Office; this takes about "
            "four to six weeks. Then you collect it with an appointment."
        ),
    ),
    "naturalisation": (
        _(
            "We check applications strictly in the order they arrive. If documents are "
            "missing, we will write to you."
        ),
        _(
            "Send us your German language certificate (B1 or higher) and the certificate of "
            "the naturalisation test on the status page as soon as you have them."
        ),
        _(
            "We then check the requirements, including an enquiry to the security "
            "authorities. If you have to give up your previous citizenship, you first "
            "receive an assurance of naturalisation."
        ),
        _(
            "You receive your naturalisation certificate in person and sign a declaration of "
            "commitment to the constitution there."
        ),
    ),
}


def next_steps(workflow_key: str) -> tuple[str, ...]:
    return NEXT_STEPS.get(workflow_key, NEXT_STEPS["eat"])


#: For each case state: what it means in plain words, and what happens next.
STATE_TEXTS: dict[str, tuple[str, str]] = {
    CaseState.RECEIVED: (
        _("We have received your application. It has not been checked yet."),
        _(
            "Applications are checked strictly in the order they arrive. A caseworker will "
            "check your application and documents. If anything is missing, we will write to you."
        ),
    ),
    CaseState.DOCUMENTS_REQUESTED: (
        _("We need more documents from you before we can go on."),
        _(
            "Please send the missing documents listed below by the deadline. Your application "
            "waits until they arrive."
        ),
    ),
    CaseState.CHECKED: (
        _("Your application has been checked. The next step is your personal appointment."),
        _(
            "At the appointment we take your fingerprints, photo and signature, and you pay "
            "the fee. Please book an appointment if you do not have one yet."
        ),
    ),
    CaseState.BIOMETRICS: (
        _("Your fingerprints and photo have been taken."),
        _("We will now order your residence card. You do not need to do anything."),
    ),
    CaseState.PRODUCED: (
        _("Your residence card has been ordered from the Federal Printing Office."),
        _(
            "Production usually takes four to six weeks. When the card has arrived, you can "
            "book an appointment to collect it."
        ),
    ),
    CaseState.PRODUCTION_FAILED: (
        _("There was a problem producing your card. We have ordered it again."),
        _("This delays the card by a few weeks. You do not need to do anything."),
    ),
    CaseState.HANDED_OVER: (
        _("Your residence card has been handed over. The case is closed."),
        _("Nothing more is needed for this application."),
    ),
    CaseState.HEARING: (
        _("We intend to refuse your application. Before we decide, you may comment."),
        _(
            "We have sent you a letter with the reasons and a deadline. You can answer here "
            "on this page, by post or in person until that date. Nothing has been decided yet."
        ),
    ),
    CaseState.REFUSAL_DRAFTED: (
        _("We are preparing the decision on your application."),
        _("You will receive the written decision by e-mail or by post."),
    ),
    CaseState.REFUSED: (
        _("Your application has been refused."),
        _("You have received or will receive a written decision with the reasons."),
    ),
    CaseState.WITHDRAWN: (
        _("Your application has been withdrawn. The case is closed."),
        _("Nothing more is needed for this application."),
    ),
    CaseState.FORWARDED: (
        _("Your case has been passed on to the immigration office now responsible for you."),
        _("Please contact that office with any questions."),
    ),
}


#: Where a procedure says it in its own words: workflow key -> state -> (meaning, next).
#: States not listed here use :data:`STATE_TEXTS`.
WORKFLOW_STATE_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "duldung": {
        CaseState.RECEIVED: (
            _("We have received your application for a Duldung. It has not been checked yet."),
            _(
                "A caseworker checks your identity and why your deportation is suspended. "
                "Keep your current certificate with you until you receive the new one."
            ),
        ),
        CaseState.CERTIFICATE_TO_PRINT: (
            _("Your application has been checked. Your Duldung certificate is being prepared."),
            _("We print the certificate at the office. We will tell you when it is ready."),
        ),
        CaseState.CERTIFICATE_PRINTED: (
            _("Your Duldung certificate is ready for collection."),
            _(
                "Please collect it in person at the Service Point. Bring your current "
                "certificate and, if you have one, your passport or identity card."
            ),
        ),
        CaseState.HANDED_OVER: (
            _("Your Duldung certificate has been handed over. The case is closed."),
            _("Apply for an extension in good time before the certificate expires."),
        ),
    },
    "naturalisation": {
        CaseState.RECEIVED: (
            _("We have received your application for naturalisation. It has not been checked yet."),
            _(
                "We first check that your documents are complete. If anything is missing, we "
                "will write to you."
            ),
        ),
        CaseState.DOCUMENTS_COMPLETE: (
            _("Your documents are complete, including your language and test certificates."),
            _(
                "We record your certificates and then check the remaining requirements. You "
                "do not need to do anything."
            ),
        ),
        CaseState.CERTIFICATES_RECORDED: (
            _("Your language and test certificates have been recorded."),
            _(
                "We now check the remaining requirements; this includes an enquiry to the "
                "security authorities and can take some weeks. You do not need to do anything."
            ),
        ),
        CaseState.REQUIREMENTS_MET: (
            _("You meet the requirements for naturalisation."),
            _(
                "We will invite you to receive your naturalisation certificate in person. You "
                "will sign a declaration of commitment to the constitution there."
            ),
        ),
        CaseState.ASSURANCE_GIVEN: (
            _("You have received an assurance of naturalisation."),
            _(
                "Please apply to be released from your previous citizenship and send us the "
                "proof. Then we will hand over your naturalisation certificate."
            ),
        ),
        CaseState.HANDED_OVER: (
            _(
                "Your naturalisation certificate has been handed over: you have been a German "
                "citizen since that day. The case is closed."
            ),
            _(
                "Congratulations. Your residence documents are no longer needed. You can now "
                "apply for a German identity card and passport."
            ),
        ),
    },
}
