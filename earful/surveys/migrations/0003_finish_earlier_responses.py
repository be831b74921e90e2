"""Responses stored before partial responses existed were all complete: mark them finished and
record the last question each one answered, so drop-off charts count them."""

from django.db import migrations
from django.db.models import F, Max


def finish_earlier_responses(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    Response.objects.filter(finished_at__isnull=True).update(finished_at=F("submitted_at"))
    furthest = (
        Response.objects.filter(furthest_position__isnull=True)
        .annotate(last=Max("answers__question__position"))
        .values_list("pk", "last")
    )
    for pk, last in furthest.iterator():
        if last is not None:
            Response.objects.filter(pk=pk).update(furthest_position=last)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_add_partial_responses")]

    operations = [migrations.RunPython(finish_earlier_responses, migrations.RunPython.noop)]
