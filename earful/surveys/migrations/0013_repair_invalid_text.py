"""Texts stored before the edge refused NULs and lone surrogates, repaired: a NUL dropped, an
invalid code point replaced with U+FFFD (earful/core/repair.py; SQLite only: PostgreSQL never
stored them)."""

from django.db import migrations

from earful.core.repair import repair_text_columns

LABELS = ("surveys.Response", "surveys.Answer", "surveys.ResponseUpdate")


def repair(apps, schema_editor):
    for label in LABELS:
        repair_text_columns(apps, schema_editor, label)
    # answers taken in and not yet expanded: the Response row's values as JSON text
    repair_text_columns(apps, schema_editor, "surveys.Intake", json_fields=("row",))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0012_response_uid_time_ordered")]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]
