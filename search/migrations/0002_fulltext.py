"""Full-text indexes per database vendor (see :mod:`search.fulltext`)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from search.fulltext import BACKWARD, FORWARD


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
