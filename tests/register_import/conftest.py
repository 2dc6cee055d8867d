"""An office manager, a department and helpers that write legacy exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from casework.constants import OFFICE_ADMIN_GROUP
from tests.casework.factories import DepartmentFactory, UserFactory

HEADER = [
    "Personenkennung",
    "Familienname",
    "Vornamen",
    "Geburtsdatum",
    "Staatsangehörigkeit",
    "Dokumentart",
    "Rechtsgrundlage",
    "Gültig ab",
    "Gültig bis",
    "Kartennummer",
    "Erwerbstätigkeit gestattet",
]

#: Two persons: a Duldung, then a title; and one with a single title.
GOOD_ROWS = [
    ["P-1", "Schewtschenko", "Taras", "09.03.1990", "UKR", "DUL", "§ 60a AufenthG",
     "01.02.2020", "31.07.2020", "", "nein"],
    ["P-1", "Schewtschenko", "Taras", "09.03.1990", "UKR", "AT", "§ 25 Abs. 5 AufenthG",
     "01.08.2020", "31.07.2029", "Y1234567", "ja"],
    ["P-2", "Haddad", "Mariam", "00.00.1985", "SY", "Aufenthaltstitel", "§ 25 Abs. 2 AufenthG",
     "2021-05-01", "2027-04-30", "Y7654321", "ja"],
]  # fmt: skip


def write_csv(path: Path, rows, *, header=HEADER, encoding="utf-8", delimiter=";") -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.fixture
def department(db):
    return DepartmentFactory(code="auf", name="Aufenthalt")


@pytest.fixture
def manager(db):
    user = UserFactory(username="amtsleitung")
    group, _created = Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user.groups.add(group)
    return user
