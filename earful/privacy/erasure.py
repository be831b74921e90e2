"""Erasing one customer (GDPR article 17) across every app, in one transaction.

`PLAN` names every model that holds a customer reference and what happens to its rows; a test
walks every installed model and fails when one that refers to a customer is missing here.

What stays: scores, tiers, sentiment and themes of the erased customer's answers and items,
with no link to them and no text, so every dashboard and roll-up counts the same before and
after. What goes: the customer row, their events, invitations, messages and contact decisions,
every text they wrote, the embeddings made from it, the alerts quoting it, inbound webhook
bodies naming them, and the identity kept apart for pseudonymous and trustee answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from earful.alerts.models import Alert
from earful.cases.models import Case, CaseNote, CaseNotification, Commitment
from earful.customers.models import Customer, CustomerEvent
from earful.feedback.models import FeedbackItem
from earful.health.models import (
    CustomerHealth,
    HealthDay,
    LoyaltyEntry,
    Referral,
    ReferralLink,
    ThankYou,
)
from earful.ideas.models import Comment, EmailConfirmation, Follow, Idea, ReleaseDelivery, Vote
from earful.ingest.models import WebhookReceipt
from earful.insights.models import ItemEmbedding
from earful.outreach.models import ContactDecision, Invitation, OutboundMessage
from earful.surveys.models import Answer, PrizeDrawEntry, Response, ResponseIdentity

ERASED = "[erased]"


@dataclass
class Erasing:
    """One erasure under way: the customer, what was found of theirs, the rows changed."""

    customer: Customer
    response_ids: set[int] = field(default_factory=set)
    item_ids: set[int] = field(default_factory=set)
    rows: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, number: int) -> None:
        if number:
            self.rows[label] = self.rows.get(label, 0) + number


def _find_responses(job: Erasing) -> None:
    kept_apart = ResponseIdentity.objects.filter(customer=job.customer).values_list("response_id")
    responses = Response.objects.filter(Q(customer=job.customer) | Q(id__in=kept_apart))
    job.response_ids = set(responses.values_list("id", flat=True))


def _scrub_responses(job: Erasing) -> None:
    """Keep the score and tier (aggregates stay), drop who answered and every word written."""
    for response in Response.objects.filter(id__in=job.response_ids).only("id", "answers_given"):
        given = {k: v for k, v in (response.answers_given or {}).items() if not isinstance(v, str)}
        Response.objects.filter(id=response.id).update(
            customer=None,
            customer_ref="",
            respondent_code="",
            probe_answer="",
            answers_given=given,
        )
    job.count("surveys.Response", len(job.response_ids))
    words = Answer.objects.filter(response_id__in=job.response_ids).exclude(text="", comment="")
    job.count("surveys.Answer", words.update(text="", comment=""))
    identities = ResponseIdentity.objects.filter(response_id__in=job.response_ids)
    job.count("surveys.ResponseIdentity", identities.delete()[0])


def _response_uids(job: Erasing) -> list[str]:
    uids = Response.objects.filter(id__in=job.response_ids).values_list("uid", flat=True)
    return [str(uid) for uid in uids]


def _scrub_items(job: Erasing) -> None:
    """The customer's items, and the comments of their answers, lose their words."""
    mine = Q(customer=job.customer)
    for uid in _response_uids(job):
        mine |= Q(source_key__startswith=f"survey-response:{uid}:")
    items = FeedbackItem.objects.filter(organization_id=job.customer.organization_id).filter(mine)
    job.item_ids = set(items.values_list("id", flat=True))
    changed = FeedbackItem.objects.filter(id__in=job.item_ids).update(
        customer=None, text=ERASED, title="", author="", url="", external_id="", metadata={}
    )
    job.count("feedback.FeedbackItem", changed)
    embeddings = ItemEmbedding.objects.filter(item_id__in=job.item_ids)
    job.count("insights.ItemEmbedding", embeddings.delete()[0])


def _scrub_alerts(job: Erasing) -> None:
    alerts = Alert.objects.filter(Q(item_id__in=job.item_ids) | Q(response_id__in=job.response_ids))
    job.count("alerts.Alert", alerts.update(summary=ERASED, text=ERASED, source_url="", details={}))


def _scrub_webhook_bodies(job: Erasing) -> None:
    """Inbound webhook bodies that name the customer (by e-mail or external id)."""
    names = [n for n in (job.customer.email, job.customer.external_id) if len(n) >= 3]
    if not names:
        return
    naming = Q()
    for name in names:
        naming |= Q(body_text__icontains=name)
    requests = (
        WebhookReceipt.objects.filter(organization_id=job.customer.organization_id)
        .exclude(body=None)
        .annotate(body_text=Cast("body", TextField()))
        .filter(naming)
    )
    ids = list(requests.values_list("id", flat=True))
    job.count(
        "ingest.WebhookReceipt", WebhookReceipt.objects.filter(id__in=ids).update(body={ERASED: 1})
    )


def _detach_prize_entries(job: Erasing) -> None:
    entries = PrizeDrawEntry.objects.filter(customer=job.customer)
    job.count("surveys.PrizeDrawEntry", entries.update(customer=None, customer_ref=ERASED))


def _scrub_ideas(job: Erasing) -> None:
    """Ideas they posted stay on the board for the others who voted (the title, a product
    request), without their author or description; their comments lose their words."""
    ideas = Idea.objects.filter(author=job.customer)
    job.count("ideas.Idea", ideas.update(author=None, description=""))
    comments = Comment.objects.filter(customer=job.customer)
    job.count("ideas.Comment", comments.update(customer=None, text=ERASED))


def _scrub_cases(job: Erasing) -> None:
    """Cases about them stay for the team's numbers (times, targets, outcomes), unlinked and
    wordless: the title, notes, resolution texts and the e-mails to agents that named them."""
    cases = Case.objects.filter(customer=job.customer)
    ids = list(cases.values_list("id", flat=True))
    job.count(
        "cases.Case",
        cases.update(customer=None, title=ERASED, what_was_done="", resolution_notes=""),
    )
    job.count("cases.CaseNote", CaseNote.objects.filter(case_id__in=ids).update(text=ERASED))
    mails = CaseNotification.objects.filter(
        Q(case_id__in=ids) | Q(commitment__customer=job.customer)
    )
    job.count("cases.CaseNotification", mails.update(subject=ERASED, body=ERASED))


def _delete(model: type) -> Callable[[Erasing], None]:
    def step(job: Erasing) -> None:
        label = model._meta.label  # type: ignore[attr-defined]
        job.count(label, model.objects.filter(customer=job.customer).delete()[0])  # type: ignore[attr-defined]

    return step


def _delete_referrals(job: Erasing) -> None:
    """Being referred, and the referrals their link brought (the others stay customers)."""
    mine = Referral.objects.filter(Q(referred=job.customer) | Q(link__customer=job.customer))
    job.count("health.Referral", mine.delete()[0])


def _delete_customer(job: Erasing) -> None:
    job.count("customers.Customer", Customer.objects.filter(id=job.customer.id).delete()[0])


# Every model that refers to a customer, and its step (in order). The last step deletes the
# customer: rows still pointing at it then follow their on_delete (cascade or set null).
PLAN: dict[str, Callable[[Erasing], None]] = {
    "surveys.ResponseIdentity": _find_responses,
    "surveys.Response": _scrub_responses,
    "feedback.FeedbackItem": _scrub_items,
    "alerts.Alert": _scrub_alerts,
    "ingest.WebhookReceipt": _scrub_webhook_bodies,
    "surveys.PrizeDrawEntry": _detach_prize_entries,
    "outreach.OutboundMessage": _delete(OutboundMessage),
    "outreach.Invitation": _delete(Invitation),
    "outreach.ContactDecision": _delete(ContactDecision),
    "customers.CustomerEvent": _delete(CustomerEvent),
    "cases.Case": _scrub_cases,
    "cases.Commitment": _delete(Commitment),
    "health.Referral": _delete_referrals,
    "health.ReferralLink": _delete(ReferralLink),
    "health.CustomerHealth": _delete(CustomerHealth),
    "health.HealthDay": _delete(HealthDay),
    "health.ThankYou": _delete(ThankYou),
    "health.LoyaltyEntry": _delete(LoyaltyEntry),
    "ideas.Idea": _scrub_ideas,
    "ideas.Comment": lambda job: None,  # with ideas.Idea
    "ideas.Vote": _delete(Vote),
    "ideas.Follow": _delete(Follow),
    "ideas.EmailConfirmation": _delete(EmailConfirmation),
    "ideas.ReleaseDelivery": _delete(ReleaseDelivery),
    "customers.Customer": _delete_customer,
}


def erase(customer: Customer) -> dict[str, int]:
    """Runs every step of PLAN in one transaction; returns the rows changed per table."""
    job = Erasing(customer=customer)
    with transaction.atomic():
        for step in PLAN.values():
            step(job)
    return job.rows
