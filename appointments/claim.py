"""The statements of the booking transaction, as plain SQL written once per process.

At a release instant every winning request runs them, and building them through the ORM each
time (querysets cloned, filters resolved, SQL compiled) cost more CPU than everything else a
booking does. The rules they encode stay the ORM's elsewhere: :func:`lock_free_slot` picks
exactly what :func:`appointments.selectors.free_slots` lists first (a test holds the two
together), and the database's constraints stay the only judge of a booking:

* :func:`lock_case` locks the case row (duplicate clicks queue there) and reads, in the same
  round trip, its state, its active booking and whether it waits on the waiting list;
* :func:`lock_free_slot` locks the first free slot, skipping those other requests hold;
* :func:`insert_booking` inserts the booking unless the slot's partial unique index already
  holds a live one (``ON CONFLICT … DO NOTHING``): a booking committed after the slot was
  chosen makes it answer ``None`` instead of an error that would spoil the transaction.

Values are passed as parameters and adapted by the model fields, so the same statements run on
SQLite (without the row locks, which it does not need: it has one writer at a time).
"""

import uuid

from django.db import connection

from casework.models import Case

from .constants import BookingStatus, WaitingStatus
from .models import Booking, Counter, Slot, WaitingListEntry

__all__ = ["insert_booking", "lock_case", "lock_free_slot"]

_statements: dict[tuple, str] = {}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _statement(key: tuple, build) -> str:
    """``build()``'s SQL for this database vendor and variant, built once per process."""
    key = (connection.vendor, *key)
    sql = _statements.get(key)
    if sql is None:
        sql = _statements[key] = build()
    return sql


def _for_update(of: str = "") -> str:
    features = connection.features
    if not features.has_select_for_update:
        return ""
    clause = " FOR UPDATE"
    if of and features.has_select_for_update_of:
        clause += f" OF {of}"
    if features.has_select_for_update_skip_locked and of:
        clause += " SKIP LOCKED"
    return clause


def _datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


def _converters(model, names):
    """Per column, the backend's converters the ORM would apply to the value read."""
    result = []
    for name in names:
        field = model._meta.get_field(name)
        column = field.get_col(model._meta.db_table)
        result.append(
            (connection.ops.get_db_converters(column) + field.get_db_converters(connection), column)
        )
    return result


def _convert(converters, values):
    out = []
    for (functions, column), value in zip(converters, values, strict=True):
        for function in functions:
            value = function(value, column, connection)
        out.append(value)
    return out


# --- the case -------------------------------------------------------------------------------


def _case_sql() -> str:
    case, booking, waiting = (_table(m) for m in (Case, Booking, WaitingListEntry))
    return (
        "SELECT c.state, "  # noqa: S608 (model metadata)
        f"(SELECT b.id FROM {booking} b WHERE b.case_id = c.id AND b.status = %s LIMIT 1), "
        f"EXISTS (SELECT 1 FROM {waiting} w WHERE w.case_id = c.id AND w.status = %s) "
        f"FROM {case} c WHERE c.id = %s" + _for_update()
    )


def lock_case(case_id: int) -> tuple[Case, int | None, bool] | None:
    """Lock the case row; the case (id and state), its active booking's id and whether it
    waits for a slot. ``None`` if the case is gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(("case",), _case_sql),
            [BookingStatus.BOOKED, WaitingStatus.WAITING, case_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    state, booking_id, waiting = row
    return (
        Case.from_db(connection.alias, ["id", "state"], [case_id, state]),
        booking_id,
        bool(waiting),
    )


# --- the slot -------------------------------------------------------------------------------

#: The slot's columns the statement reads (converted as the ORM would), then the counter's.
_SLOT_COLUMNS = ("id", "counter_id", "start", "end", "released_at")


def _slot_sql(kind: str, skipped: int) -> str:
    slot, counter, booking = (_table(m) for m in (Slot, Counter, Booking))
    where = [
        "s.service_id = %s AND k.active AND s.released_at <= %s AND s.start > %s",
        f"NOT EXISTS (SELECT 1 FROM {booking} b "  # noqa: S608 (model metadata)
        "WHERE b.slot_id = s.id AND NOT (b.status = %s))",
    ]
    if kind == "slot":
        where.append("s.id = %s")
    elif kind == "start":
        where.append("s.start = %s")
    if skipped:
        where.append(f"s.id NOT IN ({', '.join(['%s'] * skipped)})")
    return (
        'SELECT s.id, s.counter_id, s.start, s."end", s.released_at, k.code, k.name, k.location '  # noqa: S608 (model metadata)
        f"FROM {slot} s INNER JOIN {counter} k ON k.id = s.counter_id "
        f"WHERE {' AND '.join(where)} ORDER BY s.start, k.name, s.id LIMIT 1" + _for_update("s")
    )


def lock_free_slot(*, service, now, slot=None, start=None, skipped=()) -> Slot | None:
    """Lock the first free released slot of ``service`` (the one given, or any counter's at
    ``start``), in :func:`~appointments.selectors.free_slots`' order, passing over slots that
    other requests hold locked and those in ``skipped``; ``None`` if there is none."""
    kind = "slot" if slot is not None else "start" if start is not None else "any"
    params = [service.pk, _datetime(now), _datetime(now), BookingStatus.CANCELLED]
    if kind == "slot":
        params.append(slot.pk)
    elif kind == "start":
        params.append(_datetime(start))
    params.extend(skipped)
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(("slot", kind, len(skipped)), lambda: _slot_sql(kind, len(skipped))), params
        )
        row = cursor.fetchone()
    if row is None:
        return None
    converters = _statement_converters()
    slot_id, counter_id, start_at, end_at, released_at = _convert(converters, row[:5])
    code, name, location = row[5:]
    chosen = Slot.from_db(
        connection.alias,
        ["id", "counter_id", "service_id", "start", "end", "released_at"],
        [slot_id, counter_id, service.pk, start_at, end_at, released_at],
    )
    chosen.counter = Counter.from_db(
        connection.alias,
        ["id", "code", "name", "location", "active"],
        [counter_id, code, name, location, True],
    )
    chosen.service = service
    return chosen


_slot_converters: dict[str, list] = {}


def _statement_converters():
    converters = _slot_converters.get(connection.vendor)
    if converters is None:
        converters = _slot_converters[connection.vendor] = _converters(Slot, _SLOT_COLUMNS)
    return converters


# --- the booking ----------------------------------------------------------------------------

_INSERT_COLUMNS = (
    "reference",
    "case_id",
    "slot_id",
    "status",
    "cancel_key_hash",
    "email",
    "from_waiting_list",
    "created_at",
)


def _insert_sql() -> str:
    return (
        f"INSERT INTO {_table(Booking)} ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608 (model metadata)
        f"VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))}) "
        # The partial unique index of a slot's live booking (unique_live_booking_per_slot), its
        # condition as a literal so that PostgreSQL infers the index from it.
        f"ON CONFLICT (slot_id) WHERE NOT (status = '{BookingStatus.CANCELLED.value}') "
        "DO NOTHING RETURNING id"
    )


def insert_booking(*, case, slot: Slot, key_hash: str, email: str, now) -> Booking | None:
    """Insert the case's booking of ``slot``; ``None`` if the slot holds a live booking
    already. A second active booking of the case still raises ``IntegrityError``."""
    reference = uuid.uuid4()
    field = Booking._meta.get_field("reference")
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(("insert",), _insert_sql),
            [
                field.get_db_prep_value(reference, connection),
                case.pk,
                slot.pk,
                BookingStatus.BOOKED,
                key_hash,
                email,
                False,
                _datetime(now),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    booking = Booking(
        id=row[0],
        reference=reference,
        case=case,
        slot=slot,
        status=BookingStatus.BOOKED,
        cancel_key_hash=key_hash,
        email=email,
        from_waiting_list=False,
        created_at=now,
    )
    booking._state.adding = False
    booking._state.db = connection.alias
    return booking
