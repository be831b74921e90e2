"""Texts stored before the edge refused NULs and lone surrogates, repaired: a NUL dropped, an
invalid code point replaced with U+FFFD (earful/core/repair.py; SQLite only: PostgreSQL never
stored them)."""

from django.db import migrations

from earful.core.repair import repair_text_columns

LABELS = ('feedback.FeedbackItem',)


def repair(apps, schema_editor):
    for label in LABELS:
        repair_text_columns(apps, schema_editor, label)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0004_drop_redundant_indexes")]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]
