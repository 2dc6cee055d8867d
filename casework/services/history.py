"""Field changes as history rows record them: which field, the old and the new value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def field_change(field: str, old: Any, new: Any) -> dict[str, str]:
    """One entry of :attr:`CaseHistory.changes`: ``field`` is a case field (``"title_expires_on"``)
    or one of the person (``"person.passport_number"``); values are plain text (dates ISO)."""
    return {"field": field, "old": _plain(old), "new": _plain(new)}


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """The entries for every field whose value differs (in the order of ``after``)."""
    return [
        field_change(name, before.get(name), value)
        for name, value in after.items()
        if _plain(before.get(name)) != _plain(value)
    ]
