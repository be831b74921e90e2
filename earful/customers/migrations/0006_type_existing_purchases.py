"""Events recorded before types existed: purchases and refunds by their name."""

from django.db import migrations

PURCHASE_NAMES = ["purchase", "first_purchase", "order", "renewal"]
REFUND_NAMES = ["refund", "order_refunded"]


def type_by_name(apps, schema_editor):
    CustomerEvent = apps.get_model("customers", "CustomerEvent")
    CustomerEvent.objects.filter(name__in=PURCHASE_NAMES).update(type="purchase")
    CustomerEvent.objects.filter(name__in=REFUND_NAMES).update(type="refund")


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_add_event_amount_and_type")]

    operations = [migrations.RunPython(type_by_name, migrations.RunPython.noop)]
