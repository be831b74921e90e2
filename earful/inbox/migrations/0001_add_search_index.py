"""The full-text index of feedback items (earful/inbox/search.py): an FTS5 table with its
triggers on SQLite, filled from the existing items; a GIN expression index on PostgreSQL."""

from django.db import migrations


def install(apps, schema_editor):
    from earful.inbox.search import install_search_index

    install_search_index(schema_editor.connection, rebuild=True)


def uninstall(apps, schema_editor):
    from earful.inbox.search import uninstall_search_index

    uninstall_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_add_source_fields"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
