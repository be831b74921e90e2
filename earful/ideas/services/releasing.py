""" "You said, we did": an idea ships with a release note written once, sent to everyone who
asked (the author, voters, followers, and the customers whose linked comments, tickets and
reviews asked for it), each once, in their language where the organization wrote one, within
the contact budget (earful/outreach/budget.py), with an unsubscribe link.

A recipient the budget holds back now (cooldown, cap) is deferred with the reason and gets
the note later in one digest (`send_release_digests`, run by `earful idea-digests` and the
worker); one who cannot be reached (unsubscribed, no email) is skipped with the reason."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.customers.models import Customer
from earful.customers.services import unsubscribe_customer
from earful.ideas.identity import sign_unsubscribe, sign_who
from earful.ideas.models import (
    Asked,
    DeliveryState,
    Follow,
    Idea,
    IdeaLink,
    ReleaseDelivery,
    ReleaseNote,
    Status,
    Vote,
)
from earful.ideas.services.board import set_status
from earful.ideas.services.errors import IdeasInvalid
from earful.outreach.budget import Budget, Contact, Refusal, budget_refusal, reachability_refusal
from earful.outreach.models import MessageState, OutboundMessage
from earful.outreach.selectors import contacts_by_customer, policy_for
from earful.outreach.services.sending import cancel_messages, enqueue_sends

RELEASE_NOTE = "release_note"
RELEASE_DIGEST = "release_digest"
_NOT_A_SURVEY = -1  # the budget's cooldown then counts every earlier message


def unsubscribe_url(organization: Organization, customer_id: int) -> str:
    value = sign_unsubscribe(organization_id=organization.pk, customer_id=customer_id)
    return f"{settings.EARFUL_BASE_URL}/b/{organization.slug}/unsubscribe/{value}/"


def idea_url(idea: Idea, customer_id: int | None = None) -> str:
    """The idea's public page; for a customer, a signed link that signs them in there."""
    url = f"{settings.EARFUL_BASE_URL}/b/{idea.organization.slug}/ideas/{idea.pk}/"
    if customer_id is None:
        return url
    who = sign_who(organization_id=idea.organization_id, customer_id=customer_id)
    return f"{url}?{urlencode({'who': who})}"


def askers(idea: Idea) -> dict[int, str]:
    """customer id -> why they are told (the first reason in this order), each person once."""
    found: dict[int, str] = {}
    if idea.author_id:
        found[idea.author_id] = Asked.AUTHOR
    for model, asked in ((Vote, Asked.VOTER), (Follow, Asked.FOLLOWER)):
        for customer_id in model.objects.filter(idea=idea).values_list("customer_id", flat=True):
            found.setdefault(customer_id, asked)
    linked = IdeaLink.objects.filter(idea=idea, item__customer__isnull=False)
    for customer_id in linked.values_list("item__customer_id", flat=True):
        found.setdefault(customer_id, Asked.LINKED)
    return found


def _text(note: ReleaseNote, customer: Customer) -> tuple[str, str]:
    language = (customer.locale or "").split("-")[0].lower()
    own = note.translations.get(language) if language else None
    if isinstance(own, dict) and own.get("subject") and own.get("body"):
        return str(own["subject"]), str(own["body"])
    return note.subject, note.body


def _letter(organization: Organization, customer: Customer, middle: str) -> str:
    greeting = f"Hello {customer.name}," if customer.name else "Hello,"
    return (
        f"{greeting}\n\n{middle}\n\n-- {organization.name}\n\n"
        f"No more messages from {organization.name}: "
        f"{unsubscribe_url(organization, customer.pk)}\n"
    )


def _refusal(
    customer: Customer, history: list[Contact], budget: Budget, now: datetime
) -> tuple[str, Refusal | None]:
    reach = reachability_refusal(
        email=customer.email, unsubscribed=customer.unsubscribed_at is not None
    )
    if reach is not None:
        return DeliveryState.SKIPPED, reach
    held = budget_refusal(
        contacts=history,
        survey_id=_NOT_A_SURVEY,
        recontact_days=0,
        budget=budget,
        now=now,
        kind=RELEASE_NOTE,
    )
    return (DeliveryState.DEFERRED, held) if held else (DeliveryState.QUEUED, None)


@dataclass
class _Plan:
    deliveries: list[ReleaseDelivery]
    messages: list[OutboundMessage | None]


def _message(
    organization: Organization,
    customer: Customer,
    subject: str,
    body: str,
    kind: str,
    now: datetime,
) -> OutboundMessage:
    return OutboundMessage(
        organization=organization,
        customer=customer,
        kind=kind,
        send_after=now,
        subject=subject[:200],
        body=body,
        unsubscribe_url=unsubscribe_url(organization, customer.pk),
    )


def _plan(note: ReleaseNote, idea: Idea, now: datetime) -> _Plan:
    organization = idea.organization
    asked = askers(idea)
    customers = Customer.objects.in_bulk(list(asked))
    budget = policy_for(organization).budget
    history = contacts_by_customer(list(asked), since=now - budget.look_back)
    plan = _Plan([], [])
    for customer_id, why in asked.items():
        customer = customers[customer_id]
        state, refusal = _refusal(customer, history.get(customer_id, []), budget, now)
        reason = refusal.text if refusal else ""
        if state == DeliveryState.DEFERRED:
            reason += " (goes into a later digest)"
        message = None
        if state == DeliveryState.QUEUED:
            subject, body = _text(note, customer)
            link = idea_url(idea, customer.pk)
            middle = f"You asked for “{idea.title}”. It has shipped.\n\n{body}\n\n{link}"
            letter = _letter(organization, customer, middle)
            message = _message(organization, customer, subject, letter, RELEASE_NOTE, now)
        plan.messages.append(message)
        plan.deliveries.append(
            ReleaseDelivery(
                organization=organization,
                note=note,
                customer=customer,
                asked=why,
                state=state,
                reason_code=refusal.code if refusal else "",
                reason=reason[:300],
            )
        )
    return plan


def ship_idea(
    *,
    idea: Idea,
    subject: str,
    body: str,
    member: Member | None = None,
    translations: dict[str, dict[str, str]] | None = None,
    staff_response: str | None = None,
    now: datetime | None = None,
) -> ReleaseNote:
    """Marks the idea shipped and sends its release note once to everyone who asked."""
    now = now or timezone.now()
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    errors = []
    if not 3 <= len(subject) <= 200:
        errors.append(("subject", "between 3 and 200 characters"))
    if not 10 <= len(body) <= 5000:
        errors.append(("body", "between 10 and 5000 characters"))
    if not idea.public:
        errors.append(("idea", "a hidden, spam or merged idea cannot ship"))
    if errors:
        raise IdeasInvalid(errors)
    translations = _clean_translations(translations or {})
    with transaction.atomic():
        locked = Idea.objects.select_for_update().select_related("organization").get(pk=idea.pk)
        if ReleaseNote.objects.filter(idea=locked).exists():
            raise IdeasInvalid([("idea", "its release note was written and sent already")], 409)
        set_status(idea=locked, status=Status.SHIPPED, staff_response=staff_response, now=now)
        note = ReleaseNote.objects.create(
            organization_id=locked.organization_id,
            idea=locked,
            subject=subject,
            body=body,
            translations=translations,
            written_by=member,
            sent_at=now,
        )
        plan = _plan(note, locked, now)
        queued = [m for m in plan.messages if m is not None]
        OutboundMessage.objects.bulk_create(queued)
        for delivery, message in zip(plan.deliveries, plan.messages, strict=True):
            delivery.message = message
        ReleaseDelivery.objects.bulk_create(plan.deliveries)
        ids = [m.pk for m in queued]
        transaction.on_commit(lambda: enqueue_sends(ids))
    idea.refresh_from_db()
    return note


def _clean_translations(raw: object) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        raise IdeasInvalid([("translations", 'an object like {"fr": {"subject", "body"}}')])
    clean = {}
    for language, text in raw.items():
        ok = isinstance(text, dict) and all(
            isinstance(text.get(k), str) for k in ("subject", "body")
        )
        if not (isinstance(language, str) and 2 <= len(language) <= 8 and ok):
            raise IdeasInvalid([(f"translations.{language}", "needs a subject and a body")])
        clean[language.lower()] = {"subject": text["subject"][:200], "body": text["body"][:5000]}
    return clean


def send_release_digests(*, organization: Organization, now: datetime | None = None) -> int:
    """Deferred release notes, one digest per customer whose budget allows a message now;
    the others wait (their reason updated). Returns how many digests were queued."""
    now = now or timezone.now()
    waiting = list(
        ReleaseDelivery.objects.filter(organization=organization, state=DeliveryState.DEFERRED)
        .select_related("customer", "note__idea")
        .order_by("customer_id", "note__sent_at")
    )
    by_customer: dict[int, list[ReleaseDelivery]] = defaultdict(list)
    for delivery in waiting:
        by_customer[delivery.customer_id].append(delivery)
    budget = policy_for(organization).budget
    history = contacts_by_customer(list(by_customer), since=now - budget.look_back)
    queued = []
    with transaction.atomic():
        for customer_id, deliveries in by_customer.items():
            customer = deliveries[0].customer
            state, refusal = _refusal(customer, history.get(customer_id, []), budget, now)
            if state != DeliveryState.QUEUED:
                ReleaseDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                    state=state,
                    reason_code=refusal.code if refusal else "",
                    reason=(
                        (refusal.text if refusal else "")
                        + (
                            " (still waiting for the digest)"
                            if state == DeliveryState.DEFERRED
                            else ""
                        )
                    )[:300],
                )
                continue
            lines = [
                f"- {d.note.idea.title}: {d.note.subject}\n  {idea_url(d.note.idea, customer_id)}"
                for d in deliveries
            ]
            middle = "You asked for these, and they have shipped:\n\n" + "\n".join(lines)
            message = _message(
                organization,
                customer,
                f"What {organization.name} did with your ideas",
                _letter(organization, customer, middle),
                RELEASE_DIGEST,
                now,
            )
            message.save()
            queued.append(message.pk)
            ReleaseDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                state=DeliveryState.DIGESTED, message=message, updated_at=now
            )
        transaction.on_commit(lambda: enqueue_sends(queued))
    return len(queued)


@transaction.atomic
def unsubscribe_from_board(*, customer: Customer, now: datetime | None = None) -> int:
    """The link in a release note: no more messages of any kind; queued ones are cancelled."""
    now = now or timezone.now()
    unsubscribe_customer(customer=customer, now=now)
    queued = list(OutboundMessage.objects.filter(customer=customer, state=MessageState.QUEUED))
    return cancel_messages(queued, state=MessageState.QUEUED, why="unsubscribed", now=now)
