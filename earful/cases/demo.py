"""Demo cases and commitments (`earful seed-demo` calls `seed_cases`): two agents in their own
zones, the org's business hours in London, a short list of root causes, the detractor and
negative-review rules opening cases; then cases for recent detractors, some resolved inside
their target, some late, some waiting on the customer and some breaching now, with promises
kept early, kept, missed and still open. Run again, it adds nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from django.db import transaction

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.accounts.services import add_member
from earful.alerts.models import AlertRule, RuleKind
from earful.cases.models import Case, Commitment, Outcome, Status
from earful.cases.services import (
    add_note,
    add_root_cause,
    change_status,
    make_commitment,
    open_case,
    record_outcome,
    set_agent_profile,
    subject_of,
    update_case_settings,
)
from earful.cases.services.errors import CasesInvalid
from earful.surveys.models import Response
from earful.surveys.scoring import Tier

AGENTS = (("agent.ana@earful.local", "Europe/London"), ("agent.raj@earful.local", "Asia/Kolkata"))
ROOT_CAUSES = (
    "Billing error",
    "Late delivery",
    "Product defect",
    "Unclear policy",
    "Slow support reply",
)
CASES = 40


def _agents(organization: Organization) -> list[Member]:
    members = []
    for email, zone in AGENTS:
        member = Member.objects.filter(organization=organization, user__email=email).first()
        if member is None:
            member, _ = add_member(organization=organization, email=email, role=Role.AGENT)
            set_agent_profile(member=member, timezone=zone, work_starts=time(9), work_ends=time(17))
        members.append(member)
    return members


def seed_cases(*, organization: Organization, owner: Member, now: datetime) -> int:
    """The number of cases made (0 when the demo has cases already)."""
    agents = _agents(organization)
    if Case.objects.filter(organization=organization).exists():
        return 0
    update_case_settings(organization=organization, timezone="Europe/London", team_lead=owner)
    causes = [add_root_cause(organization=organization, name=n) for n in ROOT_CAUSES]
    AlertRule.objects.filter(
        organization=organization, kind__in=(RuleKind.DETRACTOR, RuleKind.NEGATIVE_REVIEW)
    ).update(open_case=True)
    detractors = list(
        Response.objects.filter(
            organization=organization, tier=Tier.DISSATISFIED, customer__isnull=False
        )
        .select_related("customer")
        .order_by("-submitted_at")[: CASES * 2]
    )
    seen: set[int | None] = set()
    rng, made = Random(16), 0
    with transaction.atomic():
        for response in detractors:
            if response.customer_id in seen or made >= CASES:
                continue
            seen.add(response.customer_id)
            _one_case(organization, response, agents[made % 2], causes, now, made, rng)
            made += 1
    return made


def _one_case(organization, response, agent, causes, now, n, rng) -> None:  # type: ignore[no-untyped-def]
    """Case n's story: 0-3 breaching now, 4-7 waiting, 8-13 in progress, the rest resolved."""
    customer = response.customer
    opened = now - timedelta(days=2 + n % 20, hours=rng.randint(0, 6))
    if n < 4:
        opened = now - timedelta(days=2, hours=n)
    case, _ = open_case(
        organization=organization,
        subject=subject_of(customer=customer),
        cause="detractor",
        title=f"Detractor: score {response.score} from {customer}",
        now=opened,
        owner=agent,
    )
    if n < 4:
        return
    reply_at = opened + timedelta(minutes=rng.choice((25, 50, 90, 200, 400, 700)))
    add_note(
        case=case, author=agent, text="Called the customer, listened.", kind="reply", now=reply_at
    )
    promised = _promise(case, customer, agent, reply_at, n)
    if 4 <= n < 8:
        change_status(case=case, status=Status.WAITING, by=agent, now=reply_at)
        return
    if n < 14:
        return
    done = reply_at + timedelta(hours=rng.choice((2, 6, 20, 30, 60)))
    if promised is not None:
        _outcome(promised, n, now)
    change_status(
        case=case,
        status=Status.RESOLVED,
        by=agent,
        now=min(done, now - timedelta(hours=1)),
        what_was_done="Apologised, fixed what went wrong and told the customer what changed.",
        root_cause_id=causes[n % len(causes)].pk,
    )
    if n % 9 == 0:
        change_status(case=case, status=Status.REOPENED, by=agent, now=now - timedelta(minutes=30))


def _promise(case, customer, agent, at, n) -> Commitment | None:  # type: ignore[no-untyped-def]
    """A call back two days on at 10:00 where the customer is."""
    local = at.astimezone(ZoneInfo(customer.timezone or "UTC"))
    due = (local + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    try:
        return make_commitment(
            customer=customer,
            case=case,
            what="Call back with the outcome" if n % 2 else "Send the refund confirmation",
            owner=agent,
            due_local=due.replace(tzinfo=None),
            now=at,
        )
    except CasesInvalid:
        return None


def _outcome(commitment: Commitment, n: int, now: datetime) -> None:
    if commitment.due_at >= now:
        return
    if n % 5 == 0:
        record_outcome(
            commitment=commitment, outcome=Outcome.MISSED, reason="Waited on the warehouse", now=now
        )
    elif n % 3 == 0:
        early = commitment.due_at - timedelta(hours=3)
        record_outcome(commitment=commitment, outcome=Outcome.KEPT_EARLY, done_at=early, now=now)
    else:
        done = commitment.due_at - timedelta(minutes=10)
        record_outcome(commitment=commitment, outcome=Outcome.KEPT, done_at=done, now=now)
