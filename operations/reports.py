"""The dashboard's tables: one place that turns the selectors' figures into rows, used by the
page, the CSV/XLSX export and (via the selectors) the API, so all three always agree."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from casework.constants import CaseState

from . import selectors
from .selectors import AGE_BUCKETS, Period

__all__ = ["Table", "TABLE_KEYS", "build_tables", "council_table", "to_csv", "to_xlsx"]

TABLE_KEYS = (
    "departments",
    "handed_over_by_type",
    "open_by_state",
    "hearings",
    "participations",
    "processing",
    "oldest",
    "workload",
    "expiry",
    "council",
)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    #: (label column, value column) to draw as a bar chart, or None
    chart: tuple[int, int] | None = None
    note: str = ""
    #: Cases whose rows the table shows (an export of it is logged as a read of each).
    case_ids: list[int] = field(default_factory=list)

    def bars(self) -> list[dict]:
        """Bars of the chart as plain numbers for the inline SVG template."""
        if not self.chart:
            return []
        label_col, value_col = self.chart
        values = [row[value_col] or 0 for row in self.rows]
        top = max(values, default=0) or 1
        return [
            {
                "label": str(row[label_col]),
                "value": value,
                "width": round(100 * value / top, 1),
                "y": index * 22,
            }
            for index, (row, value) in enumerate(zip(self.rows, values, strict=True))
        ]

    @property
    def chart_height(self) -> int:
        return max(len(self.rows), 1) * 22


def _age_labels() -> list[str]:
    labels = []
    lower = 0
    for upper in AGE_BUCKETS:
        labels.append(_("%(low)s–%(high)s days") % {"low": lower, "high": upper - 1})
        lower = upper
    labels.append(_("%(low)s days and more") % {"low": lower})
    return labels


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def build_tables(
    user, *, period: Period, department=None, today: dt.date | None = None
) -> list[Table]:
    today = today or timezone.localdate()
    cases = selectors.case_scope(user, department=department)
    records = selectors.register_scope(user, department=department)
    figures = selectors.dashboard_figures(cases, period, records=records, today=today)
    tables = []

    by_dept = figures["departments"]
    keys = ["received", "granted", "refused", "withdrawn", "handed_over", "open"]
    rows = [[row["department"], *(row[k] for k in keys)] for row in by_dept]
    rows.append([str(_("Total")), *(sum(row[k] for row in by_dept) for k in keys)])
    tables.append(
        Table(
            "departments",
            str(_("Applications and decisions per department")),
            [
                str(_("Department")),
                str(_("Received")),
                str(_("Granted")),
                str(_("Refused")),
                str(_("Withdrawn")),
                str(_("Handed over")),
                str(_("Open now")),
            ],
            rows,
            chart=(0, 1) if len(rows) > 2 else None,
            note=str(
                _(
                    "Granted: card ordered after a positive decision. Open: all cases not yet "
                    "finished today, whatever the period."
                )
            ),
        )
    )

    tables.append(
        Table(
            "handed_over_by_type",
            str(_("Titles handed over by case type")),
            [str(_("Legal basis")), str(_("Case type")), str(_("Titles"))],
            [
                [r["case__case_type__legal_basis"], r["case__case_type__name"], r["count"]]
                for r in figures["handed_over_by_type"]
            ],
            chart=(0, 2),
        )
    )

    open_rows = figures["open_by_state"]
    bucket_keys = [f"up_to_{d}" for d in AGE_BUCKETS] + [f"over_{AGE_BUCKETS[-1]}"]
    tables.append(
        Table(
            "open_by_state",
            str(_("Open cases per state and age")),
            [str(_("State")), str(_("Open")), *_age_labels(), str(_("Oldest (days)"))],
            [
                [str(r["label"]), r["count"], *(r[k] for k in bucket_keys), r["max_age"]]
                for r in open_rows
            ],
            chart=(0, 1),
        )
    )

    hearing_keys = ["hearings", "dropped_after_hearing", "refused_after_hearing", "in_hearing"]
    rows = [[row["department"], *(row[k] for k in hearing_keys)] for row in by_dept]
    if any(any(row[1:]) for row in rows):
        rows.append([str(_("Total")), *(sum(row[k] for row in by_dept) for k in hearing_keys)])
    else:
        rows = []
    tables.append(
        Table(
            "hearings",
            str(_("Hearings before a refusal (§ 28 VwVfG)")),
            [
                str(_("Department")),
                str(_("Hearings opened")),
                str(_("No refusal after the hearing")),
                str(_("Refused after the hearing")),
                str(_("In hearing now")),
            ],
            rows,
            note=str(
                _(
                    "No refusal after the hearing: the applicant's answer changed the "
                    "assessment and the check went on. A case heard twice counts twice."
                )
            ),
        )
    )

    participation_rows = figures["participations"]
    participation_keys = ("requested", "consented", "refused", "deemed", "open")
    tables.append(
        Table(
            "participations",
            str(_("Participations of other authorities")),
            [
                str(_("Authority")),
                str(_("Asked")),
                str(_("Consented")),
                str(_("Refused")),
                str(_("Deemed consent")),
                str(_("Open now")),
            ],
            [[r["authority"], *(r[k] for k in participation_keys)] for r in participation_rows],
            note=str(
                _(
                    "Deemed consent: the authority did not answer by its deadline (e.g. the "
                    "Federal Employment Agency within two weeks, § 36 (2) BeschV)."
                )
            ),
        )
    )

    times = figures["processing"]
    tables.append(
        Table(
            "processing",
            str(_("Processing time from receipt to hand-over")),
            [
                str(_("Cases handed over")),
                str(_("Median (days)")),
                str(_("90th percentile (days)")),
            ],
            [[times["count"], times["median_days"], times["p90_days"]]],
        )
    )

    labels = dict(CaseState.choices)
    tables.append(
        Table(
            "oldest",
            str(_("Oldest waiting cases")),
            [
                str(_("File number")),
                str(_("Received")),
                str(_("Age (days)")),
                str(_("State")),
                str(_("Case type")),
                str(_("Caseworker")),
            ],
            [
                [
                    case.file_number,
                    _date(case.received_at),
                    (today - timezone.localdate(case.received_at)).days,
                    str(labels.get(case.state, case.state)),
                    case.case_type.legal_basis,
                    (case.assigned_to.get_full_name() or case.assigned_to.get_username())
                    if case.assigned_to
                    else str(_("unassigned")),
                ]
                for case in figures["oldest"]
            ],
            case_ids=[case.pk for case in figures["oldest"]],
        )
    )

    tables.append(
        Table(
            "workload",
            str(_("Workload per caseworker")),
            [
                str(_("Caseworker")),
                str(_("Open")),
                str(_("Waiting for documents")),
                str(_("Without progress")),
                str(_("Oldest received")),
            ],
            [
                [r["name"], r["open"], r["waiting"], r["stalled"], _date(r["oldest"])]
                for r in figures["workload"]
            ],
            chart=(0, 1),
            note=str(
                _("Without progress: no change of state for more than %(days)s days.")
                % {"days": selectors.service_standard_days()}
            ),
        )
    )

    tables.append(
        Table(
            "expiry",
            str(_("Titles expiring per month (next 24 months)")),
            [str(_("Month")), str(_("Holders"))],
            [[date_format(r["month"], "YEAR_MONTH_FORMAT"), r["count"]] for r in figures["expiry"]],
            chart=(0, 1),
        )
    )
    return tables


def council_table(
    user, *, ukraine_since: dt.date, chancen_since: dt.date, department=None
) -> Table:
    report = selectors.council_report(
        user, ukraine_since=ukraine_since, chancen_since=chancen_since, department=department
    )
    u = {"date": _date(ukraine_since)}
    c = {"date": _date(chancen_since)}
    return Table(
        "council",
        str(_("Figures for the council report")),
        [str(_("Figure")), str(_("Value"))],
        [
            [
                str(_("Titles issued to people from Ukraine since %(date)s") % u),
                report["ukraine_titles"],
            ],
            [
                str(_("of which temporary protection (§ 24 AufenthG)")),
                report["ukraine_temporary_protection"],
            ],
            [
                str(_("People from Ukraine with a title issued since %(date)s") % u),
                report["ukraine_persons"],
            ],
            [str(_("§ 104c applications received since %(date)s") % c), report["chancen_received"]],
            [str(_("§ 104c granted")), report["chancen_granted"]],
            [str(_("§ 104c refused")), report["chancen_refused"]],
            [str(_("§ 104c withdrawn")), report["chancen_withdrawn"]],
            [str(_("§ 104c still open")), report["chancen_open"]],
        ],
    )


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula, made plain text by a leading
    apostrophe (a name such as ``=HYPERLINK(…)`` typed by a user). Numbers and dates stay."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([neutralise_formula(column) for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if value is None else neutralise_formula(value) for value in row])
    return out.getvalue()


def _as_text(cell) -> None:
    """Every text cell is stored as text, never as a formula (openpyxl would store a string
    starting with "=" as one); risky ones also keep Excel's quote prefix, so editing the cell
    later does not turn it into a formula either."""
    if isinstance(cell.value, str):
        if cell.value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        cell.data_type = "s"


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(list(row))
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    for cells in sheet.iter_rows():
        for cell in cells:
            _as_text(cell)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
