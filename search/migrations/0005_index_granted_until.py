from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_granted_until(apps, schema_editor):
    """The validity of the granted title for the cases already in the index."""
    entries = apps.get_model("search", "CaseIndexEntry")
    cases = apps.get_model("casework", "Case")
    entries.objects.filter(
        case_id__in=cases.objects.filter(granted_until__isnull=False).values("pk")
    ).update(
        granted_until=Subquery(
            cases.objects.filter(pk=OuterRef("case_id")).values("granted_until")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_file_number_parts"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseindexentry",
            name="granted_until",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(copy_granted_until, migrations.RunPython.noop),
    ]
