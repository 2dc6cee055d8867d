"""Release instants and slot times in Europe/Berlin across the daylight-saving changes."""

import datetime as dt

from appointments.schedule import (
    OFFICE_TZ,
    latest_release_date,
    release_instant,
    slot_times,
    target_week_start,
)

UTC = dt.UTC
MONDAY_0730 = dt.time(7, 30)


def test_monday_release_is_0630_utc_in_winter():
    instant = release_instant(release_date=dt.date(2026, 1, 12), release_time=MONDAY_0730)
    assert instant.astimezone(UTC) == dt.datetime(2026, 1, 12, 6, 30, tzinfo=UTC)


def test_monday_release_is_0530_utc_in_summer():
    instant = release_instant(release_date=dt.date(2026, 7, 13), release_time=MONDAY_0730)
    assert instant.astimezone(UTC) == dt.datetime(2026, 7, 13, 5, 30, tzinfo=UTC)


def test_release_on_the_monday_after_the_spring_change_is_summer_time():
    """Clocks go forward on Sunday 29 March 2026; Monday 30 March 07:30 is 05:30 UTC."""
    before = release_instant(release_date=dt.date(2026, 3, 23), release_time=MONDAY_0730)
    after = release_instant(release_date=dt.date(2026, 3, 30), release_time=MONDAY_0730)
    assert before.astimezone(UTC).hour == 6
    assert after.astimezone(UTC).hour == 5
    assert after.astimezone(UTC) - before.astimezone(UTC) == dt.timedelta(days=7, hours=-1)


def test_release_on_the_monday_after_the_autumn_change_is_winter_time():
    """Clocks go back on Sunday 25 October 2026; Monday 26 October 07:30 is 06:30 UTC."""
    before = release_instant(release_date=dt.date(2026, 10, 19), release_time=MONDAY_0730)
    after = release_instant(release_date=dt.date(2026, 10, 26), release_time=MONDAY_0730)
    assert before.astimezone(UTC).hour == 5
    assert after.astimezone(UTC).hour == 6


def test_latest_release_switches_exactly_at_the_local_release_time():
    """At 05:29 UTC on the first summer Monday the release has not happened yet."""
    just_before = dt.datetime(2026, 3, 30, 5, 29, tzinfo=UTC)
    at = dt.datetime(2026, 3, 30, 5, 30, tzinfo=UTC)
    kwargs = {"weekday": 0, "release_time": MONDAY_0730}
    assert latest_release_date(now=just_before, **kwargs) == dt.date(2026, 3, 23)
    assert latest_release_date(now=at, **kwargs) == dt.date(2026, 3, 30)


def test_latest_release_in_the_middle_of_the_week():
    thursday = dt.datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
    assert latest_release_date(weekday=0, release_time=MONDAY_0730, now=thursday) == dt.date(
        2026, 11, 16
    )


def test_target_week_is_weeks_ahead_of_the_release_week():
    assert target_week_start(release_date=dt.date(2026, 11, 16), weeks_ahead=2) == dt.date(
        2026, 11, 30
    )


def test_slots_keep_wall_clock_times_in_a_week_spanning_the_autumn_change():
    """Saturday and Monday around 25 October 2026: 08:00 local on both, 1 hour apart in UTC."""
    slots = slot_times(
        week_start=dt.date(2026, 10, 19),
        windows={day: [(dt.time(8, 0), dt.time(9, 0))] for day in (5, 6)},
        minutes=30,
    )
    assert len(slots) == 4
    saturday, sunday = slots[0][0], slots[2][0]
    assert saturday.astimezone(UTC).time() == dt.time(6, 0)
    assert sunday.astimezone(UTC).time() == dt.time(7, 0)
    assert all(end - start == dt.timedelta(minutes=30) for start, end in slots)


def test_a_day_with_two_opening_periods_gets_slots_in_both_and_none_in_the_break():
    slots = slot_times(
        week_start=dt.date(2026, 11, 16),
        windows={3: [(dt.time(8, 0), dt.time(12, 0)), (dt.time(14, 0), dt.time(17, 30))]},
        minutes=20,
    )
    local = [start.astimezone(OFFICE_TZ).time() for start, _end in slots]
    assert len(local) == 12 + 10
    assert local[0] == dt.time(8, 0) and local[11] == dt.time(11, 40)
    assert local[12] == dt.time(14, 0) and local[-1] == dt.time(17, 0)
    assert not [t for t in local if dt.time(12, 0) <= t < dt.time(14, 0)]
