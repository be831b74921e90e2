"""Surveys stored the English default thank-you heading as their own wording. Blank it: the
thank-you page now words a blank heading in the respondent's language."""

from django.db import migrations

OLD_DEFAULT = "Thank you! Your answer helps us improve."


def blank_default_thank_you(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Survey.objects.filter(thank_you=OLD_DEFAULT).update(thank_you="")


def restore_default_thank_you(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Survey.objects.filter(thank_you="").update(thank_you=OLD_DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_add_languages")]

    operations = [migrations.RunPython(blank_default_thank_you, restore_default_thank_you)]
