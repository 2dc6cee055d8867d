"""The register starts with what the cases know: the title a case extends
(``current_title`` until ``title_expires_on``, unless the case was refused, withdrawn or
forwarded) and the title a handed-over case granted
(until ``granted_until``; the older records of the holder are then replaced)."""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    Case = apps.get_model("casework", "Case")
    Record = apps.get_model("casework", "ResidenceRecord")
    History = apps.get_model("casework", "ResidenceRecordHistory")
    CardOrder = apps.get_model("casework", "CardOrder")
    HandOver = apps.get_model("casework", "HandOver")

    def flush(records):
        created = Record.objects.bulk_create(records)
        History.objects.bulk_create(
            History(record_id=r.pk, event="created", at=r.created_at, comment="") for r in created
        )
        records.clear()

    # 1. Titles being extended, once per holder and end date.
    seen = set()
    pending = []
    old_titles = (
        Case.objects.filter(title_expires_on__isnull=False)
        .exclude(state__in=("refused", "withdrawn", "forwarded"))
        .order_by("received_at", "pk")
        .values(
            "pk",
            "person_id",
            "department_id",
            "current_title",
            "title_expires_on",
            "received_at",
            "case_type__legal_basis",
        )
    )
    for row in old_titles.iterator(chunk_size=BATCH):
        key = (row["person_id"], row["title_expires_on"])
        if key in seen:
            continue
        seen.add(key)
        pending.append(
            Record(
                person_id=row["person_id"],
                kind="title",
                title=row["current_title"][:200],
                department_id=row["department_id"],
                valid_until=row["title_expires_on"],
                source="case_data",
                created_at=row["received_at"],
            )
        )
        if len(pending) >= BATCH:
            flush(pending)
    flush(pending)

    # 2. Titles handed over.
    handed = (
        Case.objects.filter(state="handed_over")
        .order_by("pk")
        .values(
            "pk",
            "person_id",
            "department_id",
            "case_type_id",
            "case_type__name",
            "case_type__legal_basis",
            "case_type__category",
            "granted_until",
            "last_transition_at",
            "updated_at",
        )
    )
    for row in handed.iterator(chunk_size=BATCH):
        hand_over = HandOver.objects.filter(case_id=row["pk"]).values("handed_over_at").first()
        at = (hand_over or {}).get("handed_over_at") or row["last_transition_at"] or row["updated_at"]
        card = (
            CardOrder.objects.filter(case_id=row["pk"], status="delivered")
            .order_by("-ordered_at")
            .values_list("order_number", flat=True)
            .first()
        )
        record = Record.objects.create(
            person_id=row["person_id"],
            kind="eu_card" if row["case_type__category"] == "eu" else "title",
            legal_basis=row["case_type__legal_basis"],
            title=row["case_type__name"],
            case_type_id=row["case_type_id"],
            case_id=row["pk"],
            department_id=row["department_id"],
            valid_from=at.date(),
            valid_until=row["granted_until"],
            card_number=card or "",
            employment_permitted=True if row["case_type__category"] == "employment" else None,
            source="case_data",
            created_at=at,
        )
        History.objects.create(record=record, event="created", at=at, comment="")
        older = (
            Record.objects.filter(person_id=row["person_id"], superseded_by__isnull=True)
            .exclude(pk=record.pk)
            .exclude(valid_until__lt=at.date())
        )
        for pk in list(older.values_list("pk", flat=True)):
            Record.objects.filter(pk=pk).update(superseded_by=record)
            History.objects.create(record_id=pk, event="superseded", at=at, comment="")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0014_residence_records"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
