"""Concurrent alerts never open two cases for one customer and cause: the partial unique index
decides, and the loser attaches its item to the winner's case."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from earful.cases.models import Case, CaseItem
from earful.cases.services import open_case, subject_of
from earful.cases.services import opening as opening_module
from earful.cases.tests.conftest import NOW, customer, make_item


def test_a_check_that_saw_nothing_still_ends_in_one_case(org, monkeypatch):
    jane = customer(org)
    first, second = make_item(org, "one", customer=jane), make_item(org, "two", customer=jane)
    open_case(
        organization=org,
        subject=subject_of(customer=jane),
        cause="detractor",
        title="t",
        now=NOW,
        item=first,
    )
    real = opening_module._open_case
    calls = iter([None])  # the second opener's first look finds nothing, as in a race
    monkeypatch.setattr(opening_module, "_open_case", lambda *a: next(calls, None) or real(*a))
    _case, opened = open_case(
        organization=org,
        subject=subject_of(customer=jane),
        cause="detractor",
        title="t",
        now=NOW,
        item=second,
    )
    assert not opened
    assert Case.objects.count() == 1
    assert set(CaseItem.objects.values_list("item_id", flat=True)) == {first.pk, second.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_eight_workers_opening_at_once_open_one_case(org):
    jane = customer(org)
    items = [make_item(org, f"complaint {n}", customer=jane) for n in range(8)]
    start = threading.Barrier(len(items))
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker(item):
        try:
            start.wait()
            _, opened = open_case(
                organization=org,
                subject=subject_of(customer=jane),
                cause="detractor",
                title="Detractor",
                now=NOW,
                item=item,
            )
            results.append(opened)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results.count(True) == 1
    assert Case.objects.filter(customer=jane).count() == 1
    assert CaseItem.objects.filter(case__customer=jane).count() == 8
