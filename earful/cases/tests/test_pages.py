"""The pages: queue with filters, a case, commitments, numbers; charlie gets 404; lists keep
their query count; the customer partial."""

from __future__ import annotations

from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earful.cases.models import Case, Commitment
from earful.cases.selectors import cases_for_customer
from earful.cases.services import make_commitment
from earful.cases.tests.conftest import a_case, customer, make_item, wall


def _some(org, member, n):
    now = timezone.now()
    for _ in range(n):
        case = a_case(org, now=now, owner=member)
        make_commitment(
            customer=case.customer,
            case=case,
            what="Call back",
            owner=member,
            due_local=wall("2031-01-02 10:00"),
            now=now,
        )


def test_the_queue_shows_cases_with_their_due_text_and_filters(org, alice):
    _some(org, alice.member, 2)
    page = alice.client.get(reverse("cases:queue"))
    assert page.status_code == 200
    assert b"Mine (2)" in page.content
    assert b"Breaching" in page.content
    for view in ("mine", "breaching", "waiting", "resolved", "all"):
        assert alice.client.get(reverse("cases:queue") + f"?view={view}").status_code == 200


def test_pages_keep_their_query_count_as_rows_grow(org, alice):
    _some(org, alice.member, 2)
    urls = [
        reverse("cases:queue"),
        reverse("cases:commitments") + "?view=all",
        reverse("cases:numbers"),
    ]

    def count(url):
        with CaptureQueriesContext(connection) as seen:
            assert alice.client.get(url).status_code == 200
        return len(seen)

    few = [count(u) for u in urls]
    _some(org, alice.member, 7)
    assert [count(u) for u in urls] == few


def test_a_case_page_works_the_case_by_forms(org, alice):
    jane = customer(org, "America/New_York", name="Jane Roe")
    case = a_case(org, jane, owner=alice.member)
    url = reverse("cases:case", args=[case.pk])
    assert b"Jane Roe" in alice.client.get(url).content
    alice.client.post(
        reverse("cases:act", args=[case.pk, "note"]), {"text": "Called her", "kind": "reply"}
    )
    alice.client.post(
        reverse("cases:act", args=[case.pk, "commitment"]),
        {"what": "Refund by Friday", "due_local": "2031-01-03T10:00", "owner": alice.member.pk},
    )
    alice.client.post(
        reverse("cases:act", args=[case.pk, "status"]),
        {"status": "resolved", "what_was_done": "Refunded"},
    )
    case.refresh_from_db()
    assert (case.status, case.what_was_done) == ("resolved", "Refunded")
    promise = Commitment.objects.get()
    assert promise.due_at.isoformat() == "2031-01-03T15:00:00+00:00"
    page = alice.client.get(url).content.decode()
    assert "Refund by Friday" in page
    assert "Replied to the customer" in page


def test_a_case_opens_by_hand_from_an_item(org, alice):
    item = make_item(org, "App crashes", customer=customer(org))
    answer = alice.client.post(reverse("cases:open"), {"item": item.pk})
    case = Case.objects.get()
    assert answer.url == reverse("cases:case", args=[case.pk])


def test_charlie_gets_404_on_every_case_page(org, alice, charlie):
    case = a_case(org, owner=alice.member)
    promise = make_commitment(
        customer=case.customer,
        what="x",
        owner=alice.member,
        due_local=wall("2031-01-02 10:00"),
        now=timezone.now(),
    )
    assert charlie.client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    for url, data in [
        (reverse("cases:act", args=[case.pk, "note"]), {"text": "x"}),
        (reverse("cases:commitment_outcome", args=[promise.pk]), {"outcome": "kept"}),
        (reverse("cases:customer_commitment", args=[case.customer_id]), {"what": "x"}),
        (reverse("cases:open"), {"customer": case.customer_id}),
    ]:
        assert charlie.client.post(url, data).status_code == 404, url
    assert b"No cases here" in charlie.client.get(reverse("cases:queue")).content


def test_viewers_read_but_do_not_see_numbers(org, persona_with_role):
    viewer = persona_with_role("viewer")
    case = a_case(org)
    assert viewer.client.get(reverse("cases:case", args=[case.pk])).status_code == 200
    assert viewer.client.get(reverse("cases:numbers")).status_code == 403


def test_the_customer_partial_lists_cases_and_commitments(org, alice):
    jane = customer(org, "Asia/Tokyo")
    case = a_case(org, jane, owner=alice.member)
    make_commitment(
        customer=jane,
        case=case,
        what="Ship the part",
        owner=alice.member,
        due_local=wall("2031-01-02 10:00"),
        now=timezone.now(),
    )
    request = RequestFactory().get("/customers/1/")
    cc = cases_for_customer(org, jane, now=timezone.now())
    html = render_to_string(
        "cases/_customer_cases.html", {"cc": cc, "customer": jane}, request=request
    )
    assert case.title in html
    assert "Ship the part" in html
    assert "Thu 02 Jan 10:00" in html


def test_the_demo_seeds_cases_kept_missed_and_breaching(db):
    from earful.cases.models import Outcome
    from earful.cases.selectors import breaching_q
    from earful.demo.services import seed_demo

    now = timezone.now()
    seed_demo(now=now, customers=80, responses=400, voices=0.0)
    cases = Case.objects.all()
    assert cases.count() >= 20
    assert cases.filter(breaching_q(now)).exists()
    assert cases.filter(status="waiting_on_customer").exists()
    outcomes = set(Commitment.objects.values_list("outcome", flat=True))
    assert {Outcome.KEPT, Outcome.KEPT_EARLY, Outcome.MISSED} <= outcomes
    count = Case.objects.count()
    seed_demo(now=now, customers=80, responses=400, voices=0.0)
    assert Case.objects.count() == count
