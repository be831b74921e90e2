"""On change: new orders recompute their customers' health at once (a task on commit); the
sweep finds what a lost message missed; a sweep with nothing to do does nothing."""

from __future__ import annotations

from django.core.management import call_command

from earful.customers.services import import_orders
from earful.health.models import CustomerHealth, HealthState


def test_an_imported_order_history_scores_its_customers_on_commit(
    alice, django_capture_on_commit_callbacks
):
    rows = [
        {"order_id": f"x{k}", "customer": "zed", "occurred_at": f"2026-0{k}-01", "amount": "9.99"}
        for k in range(1, 4)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        import_orders(organization=alice.organization, rows=rows)
    health = CustomerHealth.objects.get(customer__external_id="zed")
    assert health.orders_12m >= 1
    assert health.reasons


def test_the_sweep_scores_customers_a_lost_message_left_out_then_rests(alice, capsys):
    import_orders(  # no on-commit callbacks run: as if the message were lost
        organization=alice.organization,
        rows=[{"order_id": "y1", "customer": "yan", "occurred_at": "2026-01-01", "amount": "5"}],
    )
    assert not CustomerHealth.objects.exists()
    call_command("health_sweep")
    assert CustomerHealth.objects.filter(customer__external_id="yan").exists()
    assert HealthState.objects.get(organization=alice.organization).last_run_customers == 1
    call_command("health_sweep")
    assert "0 scores changed" in capsys.readouterr().out.splitlines()[-1]
