"""Demo data of the operations app: the default letter templates, the two § 24 ordinances and
an example of the next one (which finds the demo's § 24 titles).

Idempotent: existing templates (perhaps edited) and ordinances are left as they are.
"""

import datetime as dt

from django.utils import timezone

from casework.demo import grant_office_admins, temporary_protection_end
from casework.models import CaseType

from .models import ContinuationOrdinance, LetterTemplate, TargetGroup
from .services import seed_letter_templates

#: The two federal ordinances that continued § 24 titles (dates from DOMAIN.md; the texts are
#: our own summaries).
ORDINANCES = [
    (
        dt.date(2025, 2, 1),
        dt.date(2026, 3, 4),
        "Ukraine-Aufenthaltserlaubnis-Fortgeltungsverordnung: Aufenthaltserlaubnisse nach § 24 "
        "AufenthG, die am 1. Februar 2025 gültig waren, gelten bis zum 4. März 2026 fort.",
    ),
    (
        dt.date(2026, 2, 1),
        dt.date(2027, 3, 4),
        "Änderung der Ukraine-Aufenthaltserlaubnis-Fortgeltungsverordnung: Aufenthaltserlaubnisse "
        "nach § 24 AufenthG gelten bis zum 4. März 2027 fort (Stichtag in dieser Demo: "
        "1. Februar 2026).",
    ),
]


def next_ordinance(today: dt.date) -> tuple[dt.date, dt.date, str]:
    """An example of the next ordinance: it continues the titles the demo grants until the end
    of temporary protection by a year, so its preview finds the demo's § 24 titles."""
    end = temporary_protection_end(today)
    cut_off_on, valid_until = end.replace(month=2, day=1), end.replace(year=end.year + 1)
    reference = (
        f"Beispiel (Demo): angenommene weitere Fortgeltung – Aufenthaltserlaubnisse nach § 24 "
        f"AufenthG, die am {cut_off_on:%d.%m.%Y} gültig sind, gelten bis zum "
        f"{valid_until:%d.%m.%Y} fort."
    )
    return cut_off_on, valid_until, reference


def load(*, stdout, style) -> None:
    created = seed_letter_templates()
    grant_office_admins(LetterTemplate, ("view", "add", "change"))
    grant_office_admins(TargetGroup, ("view", "add", "change"))
    stdout.write(f"  letter templates created: {created}")
    case_type = (
        CaseType.objects.filter(code="24").first()
        or CaseType.objects.filter(legal_basis__startswith="§ 24 ").first()
    )
    if case_type is None:
        stdout.write(style.WARNING("  no § 24 case type: sample ordinances skipped"))
        return
    for cut_off_on, valid_until, reference in [*ORDINANCES, next_ordinance(timezone.localdate())]:
        _ordinance, new = ContinuationOrdinance.objects.get_or_create(
            case_type=case_type,
            cut_off_on=cut_off_on,
            valid_until=valid_until,
            defaults={"reference": reference},
        )
        if new:
            stdout.write(f"  ordinance {cut_off_on:%d.%m.%Y} → {valid_until:%d.%m.%Y} entered")
