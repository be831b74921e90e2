"""Delivery errors written before the outbound guard kept up to 300 bytes of the receiver's
answer ("DeliveryError: HTTP 500 from <url>: <body>"). They become the status code and our
words ("the receiver answered 500"), as new errors are written."""

import re

from django.db import migrations

_HTTP = re.compile(r"DeliveryError: HTTP (\d{3}) from .*", re.DOTALL)
_NO_ANSWER = re.compile(r"DeliveryError: no answer from .*", re.DOTALL)


def scrub(apps, schema_editor):
    Delivery = apps.get_model("alerts", "Delivery")
    rows = Delivery.objects.filter(last_error__contains="DeliveryError: ")
    for delivery in rows.only("pk", "last_error").iterator():
        error = _HTTP.sub(lambda m: f"the receiver answered {m.group(1)}", delivery.last_error)
        error = _NO_ANSWER.sub("no answer from the receiver", error)
        if error != delivery.last_error:
            Delivery.objects.filter(pk=delivery.pk).update(last_error=error)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
