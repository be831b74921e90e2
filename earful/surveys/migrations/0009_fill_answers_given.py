"""Responses stored before 0008 have their Answer rows already: copy them into
`answers_given` and mark the responses expanded."""

from django.db import migrations
from django.db.models import F

SCORE_TYPES = {"nps", "csat", "ces", "rating"}
CHUNK = 500


def _value(answer):
    if answer.question.type in SCORE_TYPES:
        return answer.number
    if answer.question.type == "multi_choice":
        return answer.choices or None
    return answer.text or None


def fill_answers_given(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    pending = Response.objects.filter(expanded_at__isnull=True).order_by("id")
    while ids := list(pending.values_list("id", flat=True)[:CHUNK]):
        given = {pk: {} for pk in ids}
        for answer in Answer.objects.filter(response_id__in=ids).select_related("question"):
            value, key = _value(answer), answer.question.key
            if value is not None:
                given[answer.response_id][key] = value
            if answer.comment:
                given[answer.response_id][f"{key}_comment"] = answer.comment
        for pk, answers in given.items():
            Response.objects.filter(pk=pk).update(answers_given=answers)
        Response.objects.filter(id__in=ids).update(expanded_at=F("submitted_at"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_add_answers_given")]

    operations = [migrations.RunPython(fill_answers_given, migrations.RunPython.noop)]
