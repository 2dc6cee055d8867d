"""Release arithmetic in the office's wall-clock time (no database).

Release times and opening hours are local times in Europe/Berlin; instants are computed with
:mod:`zoneinfo`, so a Monday 07:30 release is 06:30 UTC in winter and 05:30 UTC in summer.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from .constants import OFFICE_TIME_ZONE

OFFICE_TZ = ZoneInfo(OFFICE_TIME_ZONE)

__all__ = [
    "OFFICE_TZ",
    "latest_release_date",
    "release_instant",
    "slot_times",
    "target_week_start",
]


def release_instant(*, release_date: dt.date, release_time: dt.time) -> dt.datetime:
    """The aware instant of a release on a local date at a local wall-clock time."""
    return dt.datetime.combine(release_date, release_time, tzinfo=OFFICE_TZ)


def latest_release_date(*, weekday: int, release_time: dt.time, now: dt.datetime) -> dt.date:
    """The local date of the most recent release at or before ``now``."""
    local_today = now.astimezone(OFFICE_TZ).date()
    candidate = local_today - dt.timedelta(days=(local_today.weekday() - weekday) % 7)
    if release_instant(release_date=candidate, release_time=release_time) > now:
        candidate -= dt.timedelta(days=7)
    return candidate


def target_week_start(*, release_date: dt.date, weeks_ahead: int) -> dt.date:
    """Monday of the week whose slots a release on ``release_date`` opens."""
    monday = release_date - dt.timedelta(days=release_date.weekday())
    return monday + dt.timedelta(weeks=weeks_ahead)


def slot_times(
    *,
    week_start: dt.date,
    windows: Mapping[int, Sequence[tuple[dt.time, dt.time]]],
    minutes: int,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Start and end of every slot of a week, stepped in wall-clock time.

    ``windows`` maps a weekday (0 = Monday) to its opening periods, e.g. Thursday
    ``[(08:00, 12:00), (14:00, 17:30)]``; a slot lies wholly inside one period.
    """
    step = dt.timedelta(minutes=minutes)
    slots = set()
    for weekday, periods in windows.items():
        day = week_start + dt.timedelta(days=weekday)
        for opens, closes in periods:
            start = dt.datetime.combine(day, opens)
            close = dt.datetime.combine(day, closes)
            while start + step <= close:
                begin = _local(start)
                # A wall-clock time that does not exist (02:00-03:00 on the day clocks go
                # forward) would land on the instants of the hour after it: skipped. A slot
                # lasts its minutes in real time, also across the change.
                if begin is not None:
                    end = (begin.astimezone(dt.UTC) + step).astimezone(OFFICE_TZ)
                    slots.add((begin, end))
                start += step
    return sorted(slots)


def _local(naive: dt.datetime) -> dt.datetime | None:
    """The office-time instant of a wall-clock time, or ``None`` if that time is skipped
    by a change to summer time."""
    aware = naive.replace(tzinfo=OFFICE_TZ)
    round_trip = aware.astimezone(dt.UTC).astimezone(OFFICE_TZ).replace(tzinfo=None)
    return aware if round_trip == naive else None
