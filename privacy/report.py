"""The access report (DSGVO Art. 15): everything stored about one person, as PDF and JSON.

The records are found the way the deletion finds them: every model with a foreign key to the
person or to one of their cases, whichever app declares it, so a table added later appears in
the report without a change here. Staff members appear by role and department only (their
names are not the person's data; CJEU C-579/21). Secrets (hashes, tokens) are left out.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from applications.uploads import private_storage as uploads_storage
from casework.models import Case, CaseDocument, Membership, Person
from casework.policy import policy_for
from operations.letters import (
    Letter,
    LetterSection,
    office_letterhead,
    render_tagged_letter_pdf,
)

from .rules import person_verdict
from .selectors import active_rules, case_facts_by_person

__all__ = ["REPORT_LANGUAGES", "AccessReportData", "build_report", "render_json", "render_pdf"]

REPORT_LANGUAGES = ("de", "en", "uk", "ru")
FORMAT_VERSION = "abh-access-report/1"

#: Copies made for searching; the report shows the originals.
SKIPPED_MODELS = {"search.CaseIndexEntry"}
#: Field names never shown: secrets, and internal bookkeeping.
_SECRET_PARTS = ("hash", "token", "secret", "password")
_SKIPPED_FIELDS = {"id", "pending"}


@dataclass
class Record:
    """One row: raw values (JSON) and the lines shown in the PDF."""

    values: dict[str, Any]
    lines: list[tuple[str, str]]


@dataclass
class Block:
    """All rows of one kind (model) that belong to the person or one case."""

    label: str
    title: str
    records: list[Record] = field(default_factory=list)


@dataclass
class StoredFile:
    kind: str
    name: str
    storage_key: tuple[str, str]
    size: int | None


@dataclass
class CaseSection:
    case: Case
    record: Record
    blocks: list[Block]


@dataclass
class AccessReportData:
    person: Person
    person_record: Record
    person_blocks: list[Block]
    cases: list[CaseSection]
    files: list[StoredFile]
    retention: list[dict[str, Any]]
    generated_at: dt.datetime
    language: str


def _relations(model) -> list:
    """Reverse foreign keys and one-to-ones to ``model`` (hidden ones too)."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


class _Staff:
    """Staff members as "role, department", cached per user."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return _("the online service or the system")
        if user_id not in self._cache:
            user = get_user_model().objects.filter(pk=user_id).first()
            parts = [
                f"{m.get_role_display()}, {m.department.name}"
                for m in Membership.objects.filter(user_id=user_id).select_related("department")
            ]
            if user is not None and policy_for(user).is_office_admin:
                parts.append(_("office management"))
            self._cache[user_id] = (
                _("staff member (%(roles)s)") % {"roles": "; ".join(parts)}
                if parts
                else _("staff member")
            )
        return self._cache[user_id]


def _shown(f) -> bool:
    if not f.concrete or f.name in _SKIPPED_FIELDS:
        return False
    return not any(part in f.name for part in _SECRET_PARTS)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


class _Collector:
    def __init__(self, skip_fields: set[str]) -> None:
        self.staff = _Staff()
        self.files: list[StoredFile] = []
        self.skip_fields = skip_fields

    def record(self, obj, *, parent_field: str | None = None) -> Record:
        values: dict[str, Any] = {}
        lines: list[tuple[str, str]] = []
        user_model = get_user_model()
        for f in obj._meta.concrete_fields:
            if not _shown(f) or f.name == parent_field or f.name in self.skip_fields:
                continue
            label = _capitalized(str(f.verbose_name))
            raw = getattr(obj, f.attname)
            if f.is_relation:
                if raw is None:
                    shown = None
                elif f.related_model is user_model:
                    shown = self.staff(raw)
                else:
                    shown = str(getattr(obj, f.name))
                values[f.name] = shown
                lines.append((label, _display(shown)))
                continue
            if isinstance(f, models.FileField) or (
                isinstance(obj, CaseDocument) and f.name == "file"
            ):
                name = str(raw or "")
                values[f.name] = name
                if name:
                    kind = "upload" if isinstance(obj, CaseDocument) else "letter"
                    self.files.append(self._file(obj, f, name, kind))
                    lines.append((label, PurePosixPath(name).name))
                else:
                    lines.append((label, "–"))
                continue
            if f.choices:
                shown = getattr(obj, f"get_{f.name}_display")()
                values[f.name] = _json_value(raw)
                if raw not in (None, ""):
                    values[f"{f.name}_display"] = str(shown)
                lines.append((label, _display(shown if raw not in (None, "") else None)))
                continue
            values[f.name] = _json_value(raw)
            lines.append((label, _display(raw)))
        return Record(values=values, lines=lines)

    def _file(self, obj, f, name: str, kind: str) -> StoredFile:
        storage = uploads_storage() if isinstance(obj, CaseDocument) else f.storage
        try:
            size = storage.size(name) if storage.exists(name) else None
        except OSError:
            size = None
        return StoredFile(kind=kind, name=name, storage_key=(obj._meta.label, f.name), size=size)

    def blocks(self, owner) -> list[Block]:
        out = []
        for relation in _relations(type(owner)):
            model = relation.related_model
            label = model._meta.label
            if label in SKIPPED_MODELS or model in (Case,):
                continue
            if isinstance(owner, Case) and any(
                f.is_relation and f.related_model is Person for f in model._meta.concrete_fields
            ):
                continue  # listed under the person (e.g. a reminder that names the case too)
            rows = model._default_manager.filter(**{relation.field.name: owner}).order_by("pk")
            block = Block(label=label, title=str(model._meta.verbose_name_plural).capitalize())
            for row in rows:
                block.records.append(self.record(row, parent_field=relation.field.name))
            if block.records:
                out.append(block)
        return sorted(out, key=lambda b: b.label)


def _retention(person: Person) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rules = active_rules()
    for _pk, facts in case_facts_by_person([person.pk]):
        verdict = person_verdict(facts, rules, today)
        return [
            {
                "due_on": verdict.due_on.isoformat() if verdict.due_on else None,
                "rules": [f"{rule.name} ({rule.legal_basis})" for rule in verdict.rules],
                "kept_because": verdict.reason,
            }
        ]
    return []


def build_report(person: Person, *, language: str = "de") -> AccessReportData:
    """Everything stored about ``person``, read now (labels in ``language``)."""
    with translation.override(language):
        collector = _Collector(skip_fields=set())
        person_record = collector.record(person)
        person_blocks = collector.blocks(person)
        cases = []
        for case in (
            Case.objects.filter(person=person)
            .select_related("case_type", "department")
            .order_by("received_at", "pk")
        ):
            cases.append(
                CaseSection(
                    case=case,
                    record=collector.record(case, parent_field="person"),
                    blocks=collector.blocks(case),
                )
            )
        return AccessReportData(
            person=person,
            person_record=person_record,
            person_blocks=person_blocks,
            cases=cases,
            files=collector.files,
            retention=_retention(person),
            generated_at=timezone.now(),
            language=language,
        )


def _reasons_text(reason: str) -> str:
    return {
        "open case": _("kept while a case is open"),
        "valid title": _("kept while a residence title is valid"),
        "no end date": _(
            "kept while a title granted without an end date (such as a permanent residence "
            "permit) is held"
        ),
        "no rule": _("kept: no retention rule applies yet"),
        "not left": _("kept until the person has left the district"),
        "no cases": _("no cases"),
    }.get(reason, reason)


# -- JSON ----------------------------------------------------------------------------------------


def render_json(data: AccessReportData) -> bytes:
    def block_json(block: Block) -> dict:
        return {
            "model": block.label,
            "title": block.title,
            "records": [r.values for r in block.records],
        }

    document = {
        "format": FORMAT_VERSION,
        "legal_basis": "Art. 15 DSGVO / GDPR",
        "generated_at": timezone.localtime(data.generated_at).isoformat(),
        "office": office_letterhead().name,
        "person": data.person_record.values,
        "person_records": [block_json(b) for b in data.person_blocks],
        "cases": [
            {
                "file_number": section.case.file_number,
                "case": section.record.values,
                "records": [block_json(b) for b in section.blocks],
            }
            for section in data.cases
        ],
        "files": [
            {"kind": f.kind, "name": PurePosixPath(f.name).name, "path": f.name, "size": f.size}
            for f in data.files
        ],
        "retention": data.retention,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode("utf-8")


# -- PDF -----------------------------------------------------------------------------------------


def _intro(data: AccessReportData) -> LetterSection:
    today = formats.date_format(timezone.localdate(data.generated_at), "SHORT_DATE_FORMAT")
    paragraphs = (
        _(
            "You asked which personal data we store about you (Art. 15 GDPR). This letter "
            "lists everything our case system held about you on %(date)s: your personal data, "
            "your cases with their history, documents and appointments, the letters we sent "
            "you, the files you gave us, and when our staff opened your file."
        )
        % {"date": today},
        _(
            "Purpose and legal basis: we process these data to carry out residence and "
            "nationality law (§ 86 AufenthG in conjunction with Art. 6 (1) (e) and (3) GDPR). "
            "The data come from you, from your applications and from other authorities."
        ),
        _(
            "Recipients, as far as your case required it: the Central Register of Foreigners "
            "(Federal Office for Migration and Refugees), the Federal Printing Office (card "
            "production), the Federal Employment Agency (§ 39 AufenthG) and the security "
            "authorities (§ 73 AufenthG). Our staff appear by their role only."
        ),
        _(
            "Storage period: see the section “Storage period” at the end. You may ask us to "
            "correct (Art. 16 GDPR), delete (Art. 17) or restrict (Art. 18) your data and "
            "object to their processing (Art. 21), and you may complain to the data protection "
            "supervisory authority (Art. 77). A machine-readable copy (JSON) is attached."
        ),
    )
    return LetterSection(
        language=data.language,
        subject=_("Information about your personal data (Art. 15 GDPR)"),
        paragraphs=paragraphs,
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lines(record: Record) -> str:
    return "\n".join(f"{label}: {value}" for label, value in record.lines)


def _block_sections(prefix: str, blocks: list[Block], language: str) -> list[LetterSection]:
    out = []
    for block in blocks:
        paragraphs = tuple(
            "\n".join(f"{label}: {value}" for label, value in r.lines if value != "–")
            or _("(no details)")
            for r in block.records
        )
        out.append(
            LetterSection(
                language=language,
                subject=f"{prefix}{block.title} ({len(block.records)})",
                paragraphs=paragraphs,
            )
        )
    return out


def render_pdf(data: AccessReportData) -> bytes:
    with translation.override(data.language):
        sections = [_intro(data)]
        sections.append(
            LetterSection(
                language=data.language,
                subject=_("Your personal data"),
                paragraphs=(_lines(data.person_record),),
            )
        )
        sections += _block_sections("", data.person_blocks, data.language)
        for section in data.cases:
            case = section.case
            prefix = f"{case.file_number}: "
            sections.append(
                LetterSection(
                    language=data.language,
                    subject=_("Case %(file_number)s – %(type)s")
                    % {"file_number": case.file_number, "type": case.case_type.localized_label()},
                    paragraphs=(_lines(section.record),),
                )
            )
            sections += _block_sections(prefix, section.blocks, data.language)
        files = tuple(
            "{kind}: {name} ({size})".format(
                kind=_capitalized(_("uploaded document") if f.kind == "upload" else _("letter")),
                name=PurePosixPath(f.name).name,
                size=formats.number_format(f.size) + " " + _("bytes")
                if f.size is not None
                else _("no longer on file"),
            )
            for f in data.files
        )
        sections.append(
            LetterSection(
                language=data.language,
                subject=_("Stored files (%(count)s)") % {"count": len(files)},
                paragraphs=files or (_("None."),),
            )
        )
        retention = []
        for entry in data.retention:
            if entry["due_on"]:
                retention.append(
                    _("Your file will be deleted from %(date)s (%(rules)s).")
                    % {
                        "date": formats.date_format(
                            dt.date.fromisoformat(entry["due_on"]), "SHORT_DATE_FORMAT"
                        ),
                        "rules": "; ".join(entry["rules"]),
                    }
                )
            else:
                retention.append(
                    _("Your file is %(reason)s; after that the office's retention rules apply.")
                    % {"reason": _reasons_text(entry["kept_because"])}
                )
        sections.append(
            LetterSection(
                language=data.language,
                subject=_("Storage period"),
                paragraphs=tuple(retention) or (_("None."),),
            )
        )
        letter = Letter(person=data.person, sections=sections)
        letter.date = timezone.localdate(data.generated_at)
        return render_tagged_letter_pdf(letter)  # handed to the person: tagged (PDF/UA)


def render_zip(data: AccessReportData, *, pdf: bytes, json_bytes: bytes) -> bytes:
    """PDF, JSON and a copy of every stored file (uploads and letters)."""
    from django.apps import apps

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("auskunft.pdf", pdf)
        archive.writestr("auskunft.json", json_bytes)
        for index, f in enumerate(data.files, start=1):
            label, field_name = f.storage_key
            if label == CaseDocument._meta.label:
                storage = uploads_storage()
            else:
                storage = apps.get_model(label)._meta.get_field(field_name).storage
            if not storage.exists(f.name):
                continue
            with storage.open(f.name, "rb") as handle:
                archive.writestr(f"files/{index:03d}-{PurePosixPath(f.name).name}", handle.read())
    return buffer.getvalue()


def default_language(person: Person) -> str:
    language = (person.preferred_language or "").split("-")[0]
    return language if language in REPORT_LANGUAGES else settings.LANGUAGE_CODE
