"""Errors the case services raise besides ``PermissionDenied`` and ``ValidationError``."""

from django.utils.translation import gettext_lazy as _

__all__ = ["ConcurrentChange", "TransitionNotAllowed"]


class TransitionNotAllowed(Exception):  # noqa: N818 - the name the domain uses
    """The transition cannot be fired now; ``reasons`` says why, in the user's language."""

    def __init__(self, reasons: list[str], *, transition: str = "") -> None:
        self.reasons = [str(reason) for reason in reasons]
        self.transition = transition
        super().__init__("; ".join(self.reasons))


class ConcurrentChange(Exception):
    """Someone else changed the case between reading and writing it; nothing was written."""

    default_message = _(
        "This case was changed by someone else in the meantime; reload and try again."
    )

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)
