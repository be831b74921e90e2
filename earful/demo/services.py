"""Loads the demo organization, Northwind Apparel, through the same services users go through.

Every step is idempotent: customers upsert on external id, surveys are found by title, responses
carry a fixed idempotency key (demo-<survey>-<n>). A rerun adds nothing and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.accounts.services import add_member, create_organization, set_password
from earful.alerts.models import AlertRule, Destination, DestinationKind, RuleKind
from earful.alerts.services import create_destination, create_rule
from earful.cases.demo import seed_cases
from earful.customers.models import Account
from earful.customers.services import ImportReport, import_customers
from earful.demo.people import customer_rows
from earful.demo.responses import (
    SURVEYS,
    DemoSurvey,
    PlannedResponse,
    Respondent,
    new_deck,
    plan_responses,
)
from earful.demo.translations import FRENCH, LANGUAGE
from earful.demo.voices import plan_voices
from earful.health.demo import seed_health
from earful.ideas.demo import seed_ideas
from earful.ingest.services.upserting import upsert_records
from earful.ingest.sources import get_source
from earful.perception.demo import seed_perception
from earful.surveys.models import Response, Survey
from earful.surveys.services import (
    create_survey,
    publish_survey,
    submit_response,
    translate_survey,
)

SLUG = "demo"
NAME = "Northwind Apparel"
OWNER_EMAIL = "demo@earful.local"
ANALYST_EMAIL = "analyst@earful.local"
PASSWORD = "earful-demo"
CUSTOMERS = 2000
RESPONSES = 6000
_CHUNK = 250  # responses written per transaction

# Reports how far a step is: (step, done, total).
ProgressCallback = Callable[[str, int, int], None]


def _ignore_progress(step: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class DemoSummary:
    organization: Organization
    logins: tuple[str, ...]
    password: str
    api_token: str | None  # shown once: None when the organization already existed
    customers: ImportReport
    accounts: int
    surveys: tuple[Survey, ...]
    responses_created: int
    responses_existing: int
    voices: dict[str, int]  # tickets, reviews, posts: how many were new on this run


class DemoSlugTaken(ValueError):
    pass


def _member(organization: Organization, email: str, role: str) -> Member:
    """The member with that email and role: left as it is when it already is so."""
    member = (
        Member.objects.select_related("user")
        .filter(organization=organization, user__email=email)
        .first()
    )
    if member is None or member.role != role:
        member, _ = add_member(organization=organization, email=email, role=role)
    return member


def _demo_organization() -> tuple[Organization, Member, str | None]:
    """The demo organization and its owner, made on the first run; the raw token then too."""
    organization = Organization.objects.filter(slug=SLUG).first()
    if organization is None:
        created = create_organization(name=NAME, owner_email=OWNER_EMAIL, slug=SLUG)
        return created.organization, created.owner, created.api_token.raw
    if organization.name != NAME:
        message = f"the slug '{SLUG}' belongs to '{organization.name}', not to the demo"
        raise DemoSlugTaken(message)
    return organization, _member(organization, OWNER_EMAIL, Role.OWNER), None


def _demo_members(organization: Organization, owner: Member) -> tuple[str, ...]:
    """Owner and analyst, both signing in with PASSWORD."""
    analyst = _member(organization, ANALYST_EMAIL, Role.ANALYST)
    for member in (owner, analyst):
        if not member.user.check_password(PASSWORD):
            set_password(user=member.user, password=PASSWORD)
    return (owner.user.email, analyst.user.email)


def _demo_survey(
    organization: Organization, owner: Member, demo: DemoSurvey, now: datetime
) -> Survey:
    """Found by title, else created; published either way, dated before its first response."""
    survey = Survey.objects.filter(organization=organization, title=demo.title).first()
    if survey is None:
        survey = create_survey(
            organization=organization,
            title=demo.title,
            questions=demo.questions,
            created_by=owner,
        )
    survey = publish_survey(survey=survey, published_at=now - timedelta(days=380))
    if demo.slug in FRENCH and LANGUAGE not in survey.spoken_languages:
        wording, questions = FRENCH[demo.slug]
        survey = translate_survey(
            survey=survey, language=LANGUAGE, wording=wording, questions=questions
        )
    return survey


def _submit(survey: Survey, planned: list[PlannedResponse], progress: ProgressCallback) -> int:
    """Submits the planned responses not stored yet, `_CHUNK` per transaction. Returns how many."""
    stored = set(Response.objects.filter(survey=survey).values_list("idempotency_key", flat=True))
    created = 0
    for start in range(0, len(planned), _CHUNK):
        with transaction.atomic():
            for plan in planned[start : start + _CHUNK]:
                if plan.key in stored:
                    continue
                submission = submit_response(
                    survey=survey,
                    answers=plan.answers,
                    key=plan.key,
                    customer_ref=plan.customer_ref,
                    submitted_at=plan.submitted_at,
                )
                created += submission.created
        progress(survey.title, min(start + _CHUNK, len(planned)), len(planned))
    return created


def _import_demo_customers(
    organization: Organization, rows: list[dict[str, Any]], progress: ProgressCallback
) -> ImportReport:
    def report(done: int) -> None:
        if done % 100 == 0 or done == len(rows):
            progress("Customers", done, len(rows))

    result = import_customers(organization=organization, rows=rows, progress=report)
    progress("Customers", len(rows), len(rows))
    return result


KEY_ACCOUNTS = 5  # the first accounts by name are key accounts (alert rules watch them)
VOICE_SOURCES = (("tickets", "zendesk"), ("reviews", "trustpilot"), ("posts", "social"))


def _seed_voices(
    organization: Organization,
    rows: list[dict[str, Any]],
    now: datetime,
    scale: float,
    progress: ProgressCallback,
) -> dict[str, int]:
    """Tickets, reviews and posts through the importers' writer (a rerun adds nothing)."""
    keys = Account.objects.filter(organization=organization).order_by("name")[:KEY_ACCOUNTS]
    Account.objects.filter(pk__in=list(keys.values_list("pk", flat=True))).update(is_key=True)
    voices = plan_voices(now=now, customer_emails=[row["email"] for row in rows], scale=scale)
    new: dict[str, int] = {}
    for kind, name in VOICE_SOURCES:
        source = get_source(name)
        if source is None:  # a source folder removed from this install
            continue
        records = getattr(voices, kind)
        counts = upsert_records(organization=organization, source=source, records=records)
        new[kind] = counts.new
        progress(f"{kind.capitalize()} ({name})", len(records), len(records))
    return new


DEMO_RULES = (
    ("Detractors", RuleKind.DETRACTOR),
    ("1-2 star reviews", RuleKind.NEGATIVE_REVIEW),
    ("Theme spikes", RuleKind.THEME_SPIKE),
    ("Hesitant key accounts", RuleKind.KEY_ACCOUNT_HESITANT),
    ("Posts going viral", RuleKind.VIRAL_RISK),
)


def _demo_alerts(organization: Organization, owner: Member) -> None:
    """One alert rule of each kind, to the owner's inbox (the console in the demo), made before
    the tickets, reviews and posts arrive so that the worker evaluates them."""
    destination = Destination.objects.filter(organization=organization).first()
    if destination is None:
        destination = create_destination(
            organization=organization,
            name="Customer team",
            kind=DestinationKind.EMAIL,
            emails=[owner.user.email],
        )
    existing = set(
        AlertRule.objects.filter(organization=organization).values_list("name", flat=True)
    )
    for name, kind in DEMO_RULES:
        if name not in existing:
            create_rule(
                organization=organization,
                name=name,
                kind=kind,
                destination_ids=[destination.pk],
                created_by=owner,
            )


def seed_demo(
    *,
    now: datetime,
    progress: ProgressCallback = _ignore_progress,
    customers: int = CUSTOMERS,
    responses: int = RESPONSES,
    voices: float = 1.0,
) -> DemoSummary:
    """Loads (or completes) the demo: `customers` customers and `responses` responses over the
    year before `now`, split between the three surveys; then tickets, reviews and social posts
    of the last 12 weeks (`voices` scales their number)."""
    organization, owner, token = _demo_organization()
    logins = _demo_members(organization, owner)
    rows = customer_rows(customers)
    imported = _import_demo_customers(organization, rows, progress)
    respondents = [Respondent(row["external_id"], row["timezone"]) for row in rows]
    surveys, planned_total, created, deck = [], 0, 0, new_deck()
    for demo in SURVEYS:
        survey = _demo_survey(organization, owner, demo, now)
        count = round(responses * demo.share)
        planned = plan_responses(demo, count=count, respondents=respondents, now=now, deck=deck)
        created += _submit(survey, planned, progress)
        planned_total += len(planned)
        surveys.append(survey)
    _demo_alerts(organization, owner)
    seed_perception(organization=organization, now=now)
    new_voices = _seed_voices(organization, rows, now, voices, progress)
    seed_cases(organization=organization, owner=owner, now=now)
    seed_ideas(organization=organization, owner=owner, surveys=surveys, now=now)
    seed_health(organization=organization, now=now)
    return DemoSummary(
        organization=organization,
        logins=logins,
        password=PASSWORD,
        api_token=token,
        customers=imported,
        accounts=Account.objects.filter(organization=organization).count(),
        surveys=tuple(surveys),
        responses_created=created,
        responses_existing=planned_total - created,
        voices=new_voices,
    )
