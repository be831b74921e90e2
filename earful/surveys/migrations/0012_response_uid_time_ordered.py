from django.db import migrations, models

import earful.core.ids


class Migration(migrations.Migration):
    """New responses get time-ordered uids (`core.ids.time_ordered_uuid`): a Python default
    only, so nothing changes in the database (AlterField would make SQLite copy the table)."""

    dependencies = [
        ("surveys", "0011_drop_redundant_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="response",
                    name="uid",
                    field=models.UUIDField(
                        default=earful.core.ids.time_ordered_uuid, editable=False, unique=True
                    ),
                ),
            ],
        ),
    ]
