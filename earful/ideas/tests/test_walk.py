"""The walk of the issue, end to end through the pages: a customer posts, a second sees the
duplicate while typing and votes, staff merge, link 3 survey comments, ship with a release
note; the outbox shows each recipient once, the budget-skipped ones with their reasons.
Run with -s to read the steps."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client
from django.utils import timezone

from earful.feedback.models import FeedbackItem
from earful.ideas.identity import sign_who
from earful.ideas.models import DeliveryState, Idea, ReleaseDelivery, Vote
from earful.outreach.models import MessageState, OutboundMessage
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def _name(customer) -> str:
    return customer.name or customer.email.split("@")[0].capitalize()


def step(text: str) -> None:
    print(f"\n== {text}")


def test_the_ideas_walk(alice, make_customer, slug, django_capture_on_commit_callbacks):
    org = alice.organization
    ann = Client()

    step("1. Ann signs in with her email: a one-time link goes through the outbox")
    with django_capture_on_commit_callbacks(execute=True):
        ann.post(f"/b/{slug}/sign-in/", {"email": "ann@x.test"})
    link = re.search(r"/b/\S+/confirm/\S+/", mail.outbox[-1].body).group(0)
    assert ann.get(link).status_code == 200  # a button, not a sign-in: scanners follow links
    ann.post(link)
    assert ann.post(link).status_code == 404  # one time only
    print(f"   confirmation mail to {mail.outbox[-1].to}, link used once")

    step("2. Ann posts an idea")
    with django_capture_on_commit_callbacks(execute=True):
        page = ann.post(
            f"/b/{slug}/new/",
            {"title": "Export my invoices to CSV", "description": "For my accountant."},
        )
    first = Idea.objects.get(title="Export my invoices to CSV")
    assert page.status_code == 302
    assert first.vote_count == 1
    assert first.feedback_item.channel == "idea"
    print(f"   idea #{first.pk} posted, 1 vote (hers), feedback item #{first.feedback_item_id}")

    step("3. Ben arrives by a signed link and starts typing the same idea")
    ben_customer = make_customer("Ben")
    ben = Client()
    ben.get(f"/b/{slug}/?who={sign_who(organization_id=org.pk, customer_id=ben_customer.pk)}")
    similar = ben.get(f"/b/{slug}/similar/", {"title": "csv export of invoices"})
    assert "Export my invoices to CSV" in similar.content.decode()
    print("   while typing 'csv export of invoices' he sees: 'Export my invoices to CSV'")

    step("4. Ben posts his anyway (a duplicate), then votes for Ann's")
    with django_capture_on_commit_callbacks(execute=True):
        ben.post(f"/b/{slug}/new/", {"title": "Invoices as CSV download"})
        ben.post(f"/b/{slug}/ideas/{first.pk}/vote/")
        ben.post(f"/b/{slug}/ideas/{first.pk}/vote/")  # twice: still one vote
    duplicate = Idea.objects.get(title="Invoices as CSV download")
    first.refresh_from_db()
    assert first.vote_count == 2
    print(f"   #{first.pk} now has {first.vote_count} votes; his duplicate #{duplicate.pk} has 1")

    step("5. Cleo votes for the duplicate only; staff merge it into Ann's")
    cleo = make_customer("Cleo")
    Vote.objects.create(idea=duplicate, customer=cleo, created_at=timezone.now())
    alice.client.post(f"/ideas/{duplicate.pk}/merge/", {"into": first.pk})
    first.refresh_from_db()
    assert first.vote_count == 3  # Ann, Ben (once, though he voted for both), Cleo
    print(f"   merged: #{first.pk} has {first.vote_count} votes (Ben counted once)")

    step("6. Staff link 3 survey comments that asked for it")
    survey = make_survey(org, title="Relationship NPS")
    dan, eve = make_customer("Dan"), make_customer("Eve")
    fay = make_customer("Fay", email="")  # no email address
    words = [
        (dan, "I need a CSV export of my invoices"),
        (eve, "Please let me download invoices as CSV"),
        (fay, "CSV export for invoices would save me hours"),
    ]
    for i, (customer, text) in enumerate(words):
        submit_response(
            survey=survey,
            answers={"nps": 6, "nps_comment": text},
            key=f"k{i}",
            customer=customer,
            customer_ref=customer.external_id,
        )
    items = FeedbackItem.objects.filter(organization=org, channel="survey")
    assert items.count() == 3
    alice.client.post(f"/ideas/{first.pk}/links/", {"items": ",".join(str(i.pk) for i in items)})
    first.refresh_from_db()
    assert first.links.count() == 3
    assert first.demand == 6
    print(f"   3 comments linked; demand = {first.demand:g} (3 voters + 3 linked customers)")

    step("7. Before shipping: Eve unsubscribed; Cleo got a message yesterday (cooldown)")
    eve.unsubscribed_at = timezone.now()
    eve.save()
    OutboundMessage.objects.create(
        organization=org,
        customer=cleo,
        kind="invitation",
        state=MessageState.SENT,
        send_after=timezone.now() - timedelta(days=1),
        sent_at=timezone.now() - timedelta(days=1),
    )

    step("8. Staff ship it with a release note")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        alice.client.post(
            f"/ideas/{first.pk}/ship/",
            {"subject": "CSV export is here", "body": "Invoices > Export now gives you a CSV."},
        )
    deliveries = ReleaseDelivery.objects.filter(note__idea=first).select_related("customer")
    by_name = {_name(d.customer): d for d in deliveries}
    print("   the outbox, one row per person:")
    for name, d in sorted(by_name.items()):
        print(f"   - {name:5} asked as {d.asked:8} -> {d.state:8} {d.reason}")
    assert sorted(by_name) == ["Ann", "Ben", "Cleo", "Dan", "Eve", "Fay"]
    assert by_name["Ann"].asked == "author"
    assert by_name["Dan"].asked == "linked"
    assert {n for n, d in by_name.items() if d.state == DeliveryState.QUEUED} == {
        "Ann",
        "Ben",
        "Dan",
    }
    assert by_name["Cleo"].state == DeliveryState.DEFERRED
    assert by_name["Cleo"].reason_code == "cooldown"
    assert by_name["Eve"].reason_code == "unsubscribed"
    assert by_name["Fay"].reason_code == "no_email"
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == ["ann@x.test", "ben@x.test", "dan@x.test"]
    assert all("unsubscribe" in m.body and m.extra_headers["List-Unsubscribe"] for m in mail.outbox)
    print(f"   emails sent: {sent_to}")
    signed_in = Client()
    link = re.search(r"http://\S+\?who=\S+", mail.outbox[0].body).group(0)
    assert (
        "Sign out"
        in signed_in.get(urlsplit(link).path + "?" + urlsplit(link).query).content.decode()
    )
    print("   each email's link signs its reader in on the board (a signed `who`)")
    assert "CSV export is here" in Client().get(f"/b/{slug}/changelog/").content.decode()
    print("   the public changelog lists it")
