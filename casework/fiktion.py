"""When the law gives a Fiktionsbescheinigung (§ 81 (4), (5) AufenthG), answered once.

An extension filed before the old title expired keeps the old title's rights until the office
decides (Fiktionswirkung); when the old title runs out before the decision, the holder needs a
certificate of it to work and travel, with a validity of its own. A late application has no such
effect: no certificate, and the case file says why. The case file, the service that issues the
certificate, the status page and the reminder job all ask :func:`fiktion_status`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import FINAL_STATES, NoticeKind, NoticeStatus

__all__ = [
    "FIKTION_DEFAULT_DAYS",
    "FIKTION_LEAD_DAYS",
    "FIKTION_MAX_DAYS",
    "TITLE_WORKFLOWS",
    "FiktionStatus",
    "fiktion_status",
]

#: The certificate is issued from four weeks before the old title expires.
FIKTION_LEAD_DAYS = 28
#: Its usual validity (three months) and the longest the office gives at once (six months).
FIKTION_DEFAULT_DAYS = 91
FIKTION_MAX_DAYS = 183
#: A certificate still valid beyond this many days is not issued again yet.
FIKTION_RENEW_DAYS = 14
#: The workflows (keys of casework.workflow.CASE_WORKFLOWS) that decide on a residence title:
#: only a title's extension has the Fiktionswirkung. A Duldung is no title (its extension is a
#: new certificate), a naturalisation extends nothing.
TITLE_WORKFLOWS = frozenset({"eat"})


@dataclass(frozen=True)
class FiktionStatus:
    #: The application keeps the old title's rights until the decision (§ 81 (4)).
    applies: bool
    #: A certificate may be issued now.
    offered: bool
    #: Why not, in words for the case file (empty when offered).
    reason: str
    #: The latest certificate issued, if any.
    certificate: Any = None

    @property
    def valid_until(self) -> dt.date | None:
        return self.certificate.valid_until if self.certificate is not None else None


def _latest_certificate(case: Any) -> Any:
    if getattr(case, "has_decisions", True) is False:  # the case file knows there is none
        return None
    issued = [
        n
        for n in case.notices.all()
        if n.kind == NoticeKind.FIKTION and n.status == NoticeStatus.ISSUED
    ]
    return max(issued, key=lambda n: (n.valid_until or dt.date.min, n.pk or 0), default=None)


def fiktion_status(case: Any, *, today: dt.date | None = None) -> FiktionStatus | None:
    """``None`` for a case that is no extension of a title held here; otherwise whether the
    Fiktionswirkung applies, whether a certificate is offered now and, if not, why not."""
    if not case.is_extension or case.workflow_key not in TITLE_WORKFLOWS:
        return None
    today = today or timezone.localdate()
    expires = case.title_expires_on
    if expires is None or case.filed_in_time is None:
        return FiktionStatus(
            False,
            False,
            _("the expiry date of the current title is not recorded: enter it first"),
        )
    if not case.filed_in_time:
        return FiktionStatus(
            False,
            False,
            _(
                "filed after the old title expired on %(date)s: no Fiktionswirkung "
                "(§ 81 (4) AufenthG), so no Fiktionsbescheinigung"
            )
            % {"date": expires.strftime("%d.%m.%Y")},
        )
    certificate = _latest_certificate(case)
    if case.state in FINAL_STATES:
        return FiktionStatus(
            True, False, _("the application has been decided"), certificate=certificate
        )
    if expires - dt.timedelta(days=FIKTION_LEAD_DAYS) > today:
        return FiktionStatus(
            True,
            False,
            _("the old title is valid until %(date)s; the certificate is issued from %(from)s")
            % {
                "date": expires.strftime("%d.%m.%Y"),
                "from": (expires - dt.timedelta(days=FIKTION_LEAD_DAYS)).strftime("%d.%m.%Y"),
            },
            certificate=certificate,
        )
    if certificate is not None and certificate.valid_until > today + dt.timedelta(
        days=FIKTION_RENEW_DAYS
    ):
        return FiktionStatus(
            True,
            False,
            _("a certificate valid until %(date)s has been issued")
            % {"date": certificate.valid_until.strftime("%d.%m.%Y")},
            certificate=certificate,
        )
    return FiktionStatus(True, True, "", certificate=certificate)
