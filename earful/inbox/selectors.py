"""Reads for the inbox: every feedback item of the organization, filtered and searched, a page
at a time; one item with an access check; the customer's timeline across channels.

The list pages with a keyset (the received time and id of the last item shown), newest first:
a page costs the same few queries on the first page and the thousandth, and nothing counts
every matching item. Each row carries what the page shows (customer, account, theme, the
survey answer it came from, the customer's current tier) from the same single query.

Trust modes (docs/user/trust.md) hold here as on the insights pages: an item from a trustee
survey has no customer and shows none, and its day only; a trustee survey's items are held back
until the survey has MIN_GROUP responses; when 1 to 4 of the matching items come from trustee
surveys they are left out (and counted), as so few could point at who wrote them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat, Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Permission
from earful.customers.models import Account, Customer, CustomerEvent
from earful.feedback.models import FeedbackItem
from earful.inbox.filters import EMERGING, Errors, ItemFilter, parse_filter
from earful.inbox.search import search_items
from earful.ingest.models import SourceConnection
from earful.ingest.sources import all_sources
from earful.insights.models import Theme
from earful.insights.selectors_comments import CommentFilter, matching_items, with_response
from earful.insights.selectors_rows import RESPONSE_ITEM_PREFIX
from earful.outreach.models import Invitation
from earful.outreach.selectors import hide_who_answered
from earful.surveys.models import Response, Survey, TrustMode
from earful.surveys.selectors import is_held_back
from earful.surveys.trust import MIN_GROUP
from earful.surveys.validation import PROBE_KEY

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
TIMELINE_LIMIT = 50  # of each kind: items, answers, events, invitations


# ------------------------------------------------------------------------------ cursors


@dataclass(frozen=True)
class Cursor:
    """A place in the list: the received time and id of an item. Clients see only the id
    (`encode`), so a cursor never tells an item's exact time (trustee mode); the server looks
    the time up again (`parse_cursor`)."""

    at: datetime
    id: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"i{self.id}".encode()).decode().rstrip("=")

    @classmethod
    def of(cls, item: FeedbackItem) -> Cursor:
        return cls(item.received_at, item.pk)


_NOT_A_CURSOR = "not a cursor from this list: follow the next or previous link"


def parse_cursor(text: str, organization: Organization) -> Cursor:
    """ValueError unless `text` is a cursor this module wrote for an item of `organization`."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
        if not raw.startswith("i"):
            raise ValueError(raw)
        item_id = int(raw[1:])
        if not 0 < item_id < 2**62:
            raise ValueError(raw)
    except (ValueError, binascii.Error, OverflowError, UnicodeDecodeError):
        raise ValueError(_NOT_A_CURSOR) from None
    found = FeedbackItem.objects.filter(organization=organization, pk=item_id).values_list(
        "received_at", flat=True
    )[:1]
    if not found:
        raise ValueError(_NOT_A_CURSOR)
    return Cursor(found[0], item_id)


# ------------------------------------------------------------------------------ the list


@dataclass(frozen=True)
class Named:
    """The objects the filter names, loaded for the page's chips."""

    customer: Customer | None = None
    account: Account | None = None
    theme: Theme | None = None


@dataclass(frozen=True)
class ItemPage:
    filter: ItemFilter
    errors: Errors  # (field, reason) for each parameter left out
    items: list[FeedbackItem]  # newest first
    older: str | None  # cursor of the next page (older items), None at the end
    newer: str | None  # cursor of the previous page (newer items), None at the start
    hidden: int  # trustee-survey items left out: fewer than MIN_GROUP matched
    named: Named = field(default_factory=Named)


def customer_tier() -> Subquery:
    """The customer's current tier: the tier of their latest scored answer, as the insights
    engine defines it (earful.insights.stats.tiers.latest_tiers: the latest answer wins, the
    later-stored one on a tie). Only identified answers name a customer, so answers to
    pseudonymous and trustee surveys never count. None without a customer or a scored answer."""
    latest = (
        Response.objects.filter(customer_id=OuterRef("customer_id"))
        .exclude(tier="")
        .order_by("-submitted_at", "-id")
        .values("tier")[:1]
    )
    return Subquery(latest)


def _items(organization: Organization) -> QuerySet[FeedbackItem]:
    """Every item of the organization with what a row shows: its survey answer (tier, survey,
    trust mode, pseudonymous code: insights' `with_response`), customer, account, theme and the
    customer's current tier."""
    items = matching_items(organization, CommentFilter())  # all, with their response's uid
    return (
        with_response(items, organization)
        .select_related("customer__account")
        .annotate(customer_tier=customer_tier())
    )


_UUID_PARTS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))  # 8-4-4-4-12 hex digits


def _uid_text(field: str) -> Combinable:
    """A response's uid written as in its items' source keys (36 characters with dashes):
    PostgreSQL's uuid as text; SQLite stores the 32 hex digits, dashes are put back."""
    if connection.vendor == "postgresql":
        return Cast(field, TextField())
    parts = [Substr(field, start, length) for start, length in _UUID_PARTS]
    dashed: list[Combinable] = [parts[0]]
    for part in parts[1:]:
        dashed += [Value("-"), part]
    return Concat(*dashed, output_field=TextField())


def _trustee_q(organization: Organization) -> Q:
    """The item was written through a trustee survey. Built from the trustee responses (each
    question's key, and the follow-up's): their items' exact source keys, found through the
    (organization, source_key) index, so the cost follows the trustee answers, not the items."""
    responses = Response.objects.filter(
        organization=organization, survey__trust_mode=TrustMode.TRUSTEE
    )
    prefix = [Value(RESPONSE_ITEM_PREFIX), _uid_text("uid"), Value(":")]
    per_question = responses.annotate(
        key=Concat(*prefix, F("survey__questions__key"), output_field=TextField())
    )
    follow_up = responses.annotate(key=Concat(*prefix, Value(PROBE_KEY), output_field=TextField()))
    keys = per_question.values("key").union(follow_up.values("key"), all=True)
    return Q(source_key__in=keys)


def _status_q(status: str) -> Q:
    if status == "pending":
        return Q(analyzed_at__isnull=True)
    gave_up = Q(sentiment="")
    return Q(analyzed_at__isnull=False) & (gave_up if status == "failed" else ~gave_up)


def _filter_q(f: ItemFilter) -> Q:
    """Every condition but the search, on the item and what select_related joins."""
    q = Q()
    for name in ("channel", "source", "sentiment", "hesitant"):
        value = getattr(f, name)
        if value not in ("", None):
            q &= Q(**{name: value})
    if f.theme == EMERGING:
        q &= Q(theme_link__isnull=False, theme_link__theme__isnull=True)
    elif f.theme:
        q &= Q(theme_link__theme_id=int(f.theme))
    if f.tier:
        q &= Q(customer__isnull=False, customer_tier=f.tier)
    if f.customer is not None:
        q &= Q(customer_id=f.customer)
    if f.account is not None:
        q &= Q(customer__account_id=f.account)
    if f.received_from:
        q &= Q(received_at__gte=f.received_from)
    if f.received_before:
        q &= Q(received_at__lt=f.received_before)
    if f.rating is not None:
        q &= Q(score__gte=f.rating[0], score__lte=f.rating[1])
    if f.status:
        q &= _status_q(f.status)
    return q


def _named(organization: Organization, f: ItemFilter) -> tuple[ItemFilter, Named, Errors]:
    """Loads the customer, account and theme the filter names (a query each, only when
    named); one that is not the organization's is an error and is left out."""
    errors: Errors = []
    customer = account = theme = None
    if f.customer is not None:
        customers = Customer.objects.filter(organization=organization, pk=f.customer)
        customer = customers.select_related("account").first()
        if customer is None:
            errors.append(("customer", "no customer with this id in your organization"))
            f = f.without("customer")
    if f.account is not None:
        account = Account.objects.filter(organization=organization, pk=f.account).first()
        if account is None:
            errors.append(("account", "no account with this id in your organization"))
            f = f.without("account")
    if f.theme and f.theme != EMERGING:
        themes = Theme.objects.active().filter(organization=organization, pk=int(f.theme))
        theme = themes.first()
        if theme is None:
            errors.append(("theme", "no active theme with this id (merged or split themes go)"))
            f = f.without("theme")
    return f, Named(customer, account, theme), errors


def filtered_items(organization: Organization, f: ItemFilter) -> QuerySet[FeedbackItem]:
    """The organization's items the filter matches (searched too), unordered, with every
    trustee item still in. The filter's named objects must be the organization's."""
    return search_items(_items(organization).filter(_filter_q(f)), f.q)


def _hide_few_trustee(
    organization: Organization, items: QuerySet[FeedbackItem]
) -> tuple[QuerySet[FeedbackItem], int]:
    """The items less those of trustee surveys still under MIN_GROUP responses, and less
    those from trustee surveys when only 1 to 4 match; how many went. One small query, two
    more only when the organization has a trustee survey; the last stops at MIN_GROUP."""
    trustee_surveys = Survey.objects.filter(organization=organization, trust_mode=TrustMode.TRUSTEE)
    if not trustee_surveys.exists():
        return items, 0
    held_back = is_held_back(organization.pk)
    held = items.filter(held_back).count()
    items = items.filter(~held_back)
    trustee = _trustee_q(organization)
    found = len(items.filter(trustee).order_by().values_list("id", flat=True)[:MIN_GROUP])
    if 0 < found < MIN_GROUP:
        return items.exclude(trustee), found + held
    return items, held


Page = tuple[list[FeedbackItem], str | None, str | None]  # items, older cursor, newer cursor


def _page_of(
    items: QuerySet[FeedbackItem], *, after: Cursor | None, before: Cursor | None, limit: int
) -> Page:
    """One page by keyset, and the cursors of the pages around it. One query."""
    if before is not None:
        return _page_before(items, before, limit)
    if after is not None:
        items = items.filter(Q(received_at__lt=after.at) | Q(received_at=after.at, id__lt=after.id))
    rows = list(items.order_by("-received_at", "-id")[: limit + 1])
    page = rows[:limit]
    older = Cursor.of(page[-1]).encode() if len(rows) > limit else None
    newer = None if after is None else (Cursor.of(page[0]) if page else after).encode()
    return page, older, newer


def _page_before(items: QuerySet[FeedbackItem], before: Cursor, limit: int) -> Page:
    """The page of items just newer than `before` (walking up, then turned newest first)."""
    rows = list(
        items.filter(
            Q(received_at__gt=before.at) | Q(received_at=before.at, id__gt=before.id)
        ).order_by("received_at", "id")[: limit + 1]
    )
    page = rows[:limit][::-1]
    newer = Cursor.of(page[0]).encode() if page and len(rows) > limit else None
    older = (Cursor.of(page[-1]) if page else before).encode()
    return page, older, newer


def _cursors(
    params: Mapping[str, Any], organization: Organization
) -> tuple[Cursor | None, Cursor | None, Errors]:
    found: dict[str, Cursor | None] = {"after": None, "before": None}
    errors: Errors = []
    for name in found:
        text = params.get(name)
        if isinstance(text, str) and text.strip():
            try:
                found[name] = parse_cursor(text.strip(), organization)
            except ValueError as exc:
                errors.append((name, str(exc)))
    if found["after"] and found["before"]:
        errors.append(("before", "give after or before, not both"))
        found["before"] = None
    return found["after"], found["before"], errors


def find_items(
    organization: Organization, params: Mapping[str, Any], *, limit: int = PAGE_SIZE
) -> ItemPage:
    """The inbox: the page of items the parameters ask for (filters, `q`, and the cursors
    `after` or `before`), newest first, at most `limit` (1 to MAX_PAGE_SIZE). A parameter that
    cannot be read is named in `errors` and left out. The front doors decide what an error
    means: the page shows it, the API refuses the request."""
    f, errors = parse_filter(params)
    after, before, cursor_errors = _cursors(params, organization)
    f, named, named_errors = _named(organization, f)
    items, hidden = _hide_few_trustee(organization, filtered_items(organization, f))
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    page, older, newer = _page_of(items, after=after, before=before, limit=limit)
    all_errors = errors + cursor_errors + named_errors
    return ItemPage(f, all_errors, page, older, newer, hidden, named)


# ------------------------------------------------------------------------------ one item


def access_item(member: Member, item_id: int) -> FeedbackItem:
    """The member's organization's item with everything its page shows; 404 for another
    organization's, and for an item of a trustee survey still under its minimum group."""
    items = _items(member.organization).filter(~is_held_back(member.organization.pk))
    return get_object_or_404(items, pk=item_id)


@dataclass(frozen=True)
class TimelineEntry:
    """One thing in a customer's history: `kind` is item, answer, event or invitation."""

    kind: str
    at: datetime
    title: str
    detail: str = ""
    url: str = ""
    object_id: int | None = None
    current: bool = False  # the item the page is about


def customer_timeline(
    member: Member, item: FeedbackItem, *, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry] | None:
    """Everything the item's customer said and did and was sent, newest first: their feedback
    items on every channel, their survey answers, their events and their invitations (the
    latest `limit` of each). None when the item has no customer or the member's role may not
    read customers. Identified answers only (pseudonymous and trustee ones name no
    customer); invitations of such surveys never show whether they were answered. Four
    queries."""
    customer = item.customer
    if customer is None or not member.can(Permission.VIEW_CUSTOMERS):
        return None
    return customer_history(customer, current_item_id=item.pk, limit=limit)


def customer_history(
    customer: Customer, *, current_item_id: int | None = None, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """A customer's timeline (see customer_timeline), for a caller that checked the member may
    read customers; `current_item_id` marks the item a page is about. Four queries."""
    entries = (
        _item_entries(customer, current_item_id, limit)
        + _answer_entries(customer, limit)
        + _event_entries(customer, limit)
        + _invitation_entries(customer, limit)
    )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _item_entries(
    customer: Customer, current_item_id: int | None, limit: int
) -> list[TimelineEntry]:
    rows = (
        FeedbackItem.objects.filter(organization_id=customer.organization_id, customer=customer)
        .only("id", "channel", "source", "title", "text", "score", "sentiment", "received_at")
        .order_by("-received_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            "item",
            row.received_at,
            f"{row.get_channel_display()}{f' ({row.source})' if row.source else ''}",
            row.title or _excerpt(row.text),
            reverse("inbox:detail", args=[row.pk]),
            row.pk,
            row.pk == current_item_id,
        )
        for row in rows
    ]


def _answer_entries(customer: Customer, limit: int) -> list[TimelineEntry]:
    rows = (
        Response.objects.filter(
            organization_id=customer.organization_id,
            customer=customer,
            survey__trust_mode=TrustMode.IDENTIFIED,
        )
        .select_related("survey")
        .only("id", "submitted_at", "score", "tier", "finished_at", "survey__title")
        .order_by("-submitted_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            "answer",
            row.submitted_at,
            f"Answered “{row.survey.title}”",
            _answer_words(row),
            reverse("insights:survey_dashboard", args=[row.survey_id]),
            row.pk,
        )
        for row in rows
    ]


def _answer_words(response: Response) -> str:
    score = f"score {response.score}" if response.score is not None else "no score"
    tier = f", {response.tier.replace('_', ' ')}" if response.tier else ""
    return f"{score}{tier}{'' if response.finished_at else ' (not finished)'}"


def _event_entries(customer: Customer, limit: int) -> list[TimelineEntry]:
    rows = CustomerEvent.objects.filter(customer=customer).order_by("-occurred_at", "-id")[:limit]
    return [
        TimelineEntry("event", row.occurred_at, row.name.replace("_", " "), object_id=row.pk)
        for row in rows
    ]


def _invitation_entries(customer: Customer, limit: int) -> list[TimelineEntry]:
    rows = list(
        Invitation.objects.filter(organization_id=customer.organization_id, customer=customer)
        .select_related("survey")
        .order_by("-created_at", "-id")[:limit]
    )
    shown: list[Invitation] = []
    for survey in {row.survey_id: row.survey for row in rows}.values():
        shown += hide_who_answered(survey, [row for row in rows if row.survey_id == survey.pk])
    return [
        TimelineEntry(
            "invitation",
            row.sent_at or row.created_at,
            f"Invited to “{row.survey.title}”",
            row.get_status_display().lower(),
            reverse("outreach:invitations", args=[row.survey_id]),
            row.pk,
        )
        for row in shown
    ]


def _excerpt(text: str, length: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# ------------------------------------------------------------------------------ the form


@dataclass(frozen=True)
class FilterChoices:
    themes: list[Theme]
    sources: list[str]


def filter_choices(organization: Organization) -> FilterChoices:
    """What the filter form offers: the active themes (largest first) and the source names
    (every installed source and any the organization connected). Two queries."""
    themes = list(
        Theme.objects.active()
        .filter(organization=organization)
        .only("id", "label", "user_label")
        .order_by("-size", "id")
    )
    connected = SourceConnection.objects.filter(organization=organization).values_list(
        "source", flat=True
    )
    return FilterChoices(themes, sorted(set(all_sources()) | set(connected)))
