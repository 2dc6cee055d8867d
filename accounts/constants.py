from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What the security event log records (sign-in, second factor, API tokens)."""

    LOGIN = "login", _("Password accepted")
    LOGIN_FAILED = "login_failed", _("Wrong user name or password")
    LOCKED_OUT = "locked_out", _("Locked out after too many failed attempts")
    LOGOUT = "logout", _("Signed out")
    IDLE_TIMEOUT = "idle_timeout", _("Signed out after inactivity")
    OTP_VERIFIED = "otp_verified", _("Second factor confirmed")
    OTP_FAILED = "otp_failed", _("Wrong one-time code")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    TOTP_ENROLLED = "totp_enrolled", _("Authenticator app set up")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
    UNLOCKED = "unlocked", _("Lock-out lifted")
    RECOVERY_CODES_CREATED = "recovery_codes_created", _("New recovery codes created")
    TOKEN_ISSUED = "token_issued", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    TOKEN_REFUSED = "token_refused", _("API token refused (no back-office access)")
