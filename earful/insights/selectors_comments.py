"""The comments behind any number on the insights pages: one filter, parsed from and written to
a query string, so every number links to exactly the items it counts.

A survey comment is a feedback item whose source key holds its response's uid
(`survey-response:<uid>:<question>`); filters on the response (survey, tier, channel, segment,
tier movement) are one EXISTS on that uid, so the list and its count stay one query each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import numpy as np
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Replace, Substr
from django.urls import reverse

from earful.accounts.models import Organization
from earful.feedback.models import Channel, FeedbackItem, Sentiment
from earful.insights.models import ThemeStatus
from earful.insights.selectors_rows import (
    NO_SEGMENT,
    RESPONSE_ITEM_PREFIX,
    SEGMENT_ATTRIBUTES,
    Period,
    load_rows,
    parse_period,
    to_datetime64,
)
from earful.insights.stats.tiers import LEVELS, latest_tiers
from earful.surveys.models import Response, Survey, TrustMode
from earful.surveys.selectors import is_held_back
from earful.surveys.trust import MIN_GROUP

EMERGING = "emerging"  # theme=emerging: the items that fit no theme yet
SEGMENTS = ("account", *SEGMENT_ATTRIBUTES)
MAX_MOVED_RESPONSES = 10_000  # a movement cell links to the comments of at most this many answers
PER_PAGE = 25


@dataclass(frozen=True)
class CommentFilter:
    """Which feedback items to list. Every field is optional; blank means "any"."""

    survey: int | None = None
    theme: str = ""  # a theme id, or EMERGING
    tier: str = ""  # of the response the comment belongs to
    sentiment: str = ""
    hesitant: bool | None = None
    week: date | None = None  # the Monday of a week (UTC)
    period: Period | None = None  # received in this period (both days included)
    source: str = ""  # the feedback channel: survey, ticket, review ...
    via: str = ""  # the response's channel: link, email, widget ...
    segment: str = ""  # "plan:Pro", "region:Europe", "account:Acme"
    moved: str = ""  # "up", "down", "same" or "dissatisfied..satisfied": customers who moved so
    # from period_a to period (their answers in period)
    period_a: Period | None = None
    latest: str = ""  # a tier: customers whose latest answer in period had it (their answers)

    def params(self) -> dict[str, str]:
        """The query string's parameters, in a stable order, blanks left out."""
        out: dict[str, str] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            out[field.name] = value.label if isinstance(value, Period) else str(value)
        return out

    def url(self) -> str:
        query = urlencode(self.params())
        return reverse("insights:comments") + (f"?{query}" if query else "")

    def but(self, **changes: object) -> CommentFilter:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def windows(self) -> list[Period]:
        """The periods an item must be received in: the week's and the period (both apply)."""
        found = [self.period] if self.period else []
        if self.week is not None:
            start = datetime(self.week.year, self.week.month, self.week.day, tzinfo=UTC)
            found.append(Period(start, start + timedelta(weeks=1)))
        return found


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value and value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}")
    return value


def _monday(text: str) -> date:
    day = date.fromisoformat(text)
    return day - timedelta(days=day.weekday())


MOVES = {"up": 1, "same": 0, "down": -1}  # moved=up: every customer who moved up a level


ANY = "*"  # moved=dissatisfied..*: from that tier to any; *..*: everyone in both periods


def _moved(text: str) -> str:
    start, sep, end = text.partition("..")
    tiers = (*LEVELS, ANY)
    if text not in MOVES and (not sep or start not in tiers or end not in tiers):
        raise ValueError("moved is up, same, down, or FROM..TO with each a tier (or *)")
    return text


def _in_move(move: str, a: str | None, b: str) -> bool:
    """Whether a customer at tier `a` in period A and `b` in B made the move."""
    if a is None:
        return False
    if move in MOVES:
        return int(np.sign(LEVELS.index(b) - LEVELS.index(a))) == MOVES[move]
    start, _, end = move.partition("..")
    return start in (a, ANY) and end in (b, ANY)


_PARSERS = {
    "survey": int,
    "theme": lambda v: v if v == EMERGING else str(int(v)),
    "tier": lambda v: _choice(v, LEVELS, "tier"),
    "sentiment": lambda v: _choice(v, tuple(Sentiment.values), "sentiment"),
    "hesitant": lambda v: {"yes": True, "no": False}[v],
    "week": _monday,
    "period": parse_period,
    "period_a": parse_period,
    "source": lambda v: _choice(v, tuple(Channel.values), "source"),
    "via": str,
    "segment": lambda v: v if v.partition(":")[0] in SEGMENTS and ":" in v else _bad_segment(),
    "moved": _moved,
    "latest": lambda v: _choice(v, LEVELS, "latest"),
}


def _bad_segment() -> str:
    raise ValueError(f"segment is written KIND:VALUE, KIND one of {', '.join(SEGMENTS)}")


def parse_filter(params: Mapping[str, str]) -> tuple[CommentFilter, dict[str, str]]:
    """The filter a query string asks for, and an error per parameter it could not read (that
    parameter is then left out, never guessed)."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, parse in _PARSERS.items():
        text = (params.get(name) or "").strip()
        if not text:
            continue
        try:
            values[name] = parse(text)  # type: ignore[operator]
        except (ValueError, KeyError) as exc:
            errors[name] = str(exc) if isinstance(exc, ValueError) else f"{name}: yes or no"
    if "moved" in values and not ("period" in values and "period_a" in values):
        errors["moved"] = "moved needs period_a and period"
        values.pop("moved")
    if "latest" in values and "period" not in values:
        errors["latest"] = "latest needs a period"
        values.pop("latest")
    return CommentFilter(**values), errors  # type: ignore[arg-type]


def uid_of_item() -> Combinable:
    """The response uid inside a survey item's source key, comparable with Response.uid on this
    database: SQLite stores uuids as 32 hex digits, PostgreSQL as its uuid type (cast only
    where the key is a survey key, so a ticket's key is never read as a uuid)."""
    start = len(RESPONSE_ITEM_PREFIX) + 1
    key = Substr("source_key", start, 36)
    if connection.vendor == "postgresql":
        return Case(
            When(source_key__startswith=RESPONSE_ITEM_PREFIX, then=Cast(key, UUIDField())),
            default=None,
            output_field=UUIDField(),
        )
    return Replace(key, Value("-"), Value(""), output_field=CharField())


def _segment_q(segment: str) -> Q:
    kind, _, value = segment.partition(":")
    if kind == "account":
        field = "customer__account__name"
        return Q(customer__account__isnull=True) if value == NO_SEGMENT else Q(**{field: value})
    key = f"customer__attributes__{kind}"
    if value == NO_SEGMENT:
        return Q(customer__isnull=True) | Q(**{f"{key}__isnull": True}) | Q(**{key: ""})
    return Q(**{key: value})


def _response_q(f: CommentFilter, moved_ids: list[int] | None) -> Q | None:
    """Conditions on the comment's response, None when there are none."""
    q = Q()
    if f.survey is not None:
        q &= Q(survey_id=f.survey)
    if f.tier:
        q &= Q(tier=f.tier)
    if f.via:
        q &= Q(channel=f.via) & ~Q(survey__trust_mode=TrustMode.TRUSTEE)
    if f.segment:
        q &= _segment_q(f.segment) & ~Q(survey__trust_mode=TrustMode.TRUSTEE)
    if moved_ids is not None:
        q &= Q(id__in=moved_ids)
    return q or None


def _theme_q(theme: str) -> Q:
    if theme == EMERGING:
        return Q(theme_link__isnull=False, theme_link__theme__isnull=True)
    return Q(theme_link__theme_id=int(theme), theme_link__theme__status=ThemeStatus.ACTIVE)


def _item_q(f: CommentFilter) -> Q:
    q = Q()
    if f.theme:
        q &= _theme_q(f.theme)
    if f.sentiment:
        q &= Q(sentiment=f.sentiment)
    if f.hesitant is not None:
        q &= Q(hesitant=f.hesitant)
    for window in f.windows:
        q &= Q(received_at__gte=window.start, received_at__lt=window.end)
    if f.source:
        q &= Q(channel=f.source)
    return q


def matching_items(
    organization: Organization, f: CommentFilter, *, moved_ids: list[int] | None = None
) -> QuerySet[FeedbackItem]:
    """Every item of the organization the filter matches (unordered, nothing joined)."""
    items = (
        FeedbackItem.objects.filter(organization=organization)
        .filter(_item_q(f))
        .alias(response_uid=uid_of_item())
    )
    on_response = _response_q(f, moved_ids)
    if on_response is None:
        return items
    responses = Response.objects.filter(organization=organization, uid=OuterRef("response_uid"))
    return items.filter(source_key__startswith=RESPONSE_ITEM_PREFIX).filter(
        Exists(responses.filter(on_response))
    )


def without_held_back(items: QuerySet[FeedbackItem], organization_id: int) -> QuerySet:
    """The items less the comments of trustee surveys still under MIN_GROUP responses: their
    words are shown nowhere until the group is reached (docs/user/trust.md)."""
    held_back = is_held_back(organization_id)
    return items.annotate(response_uid=uid_of_item()).filter(~held_back)


def _trustee(organization: Organization) -> Exists:
    return Exists(
        Response.objects.filter(
            organization=organization,
            uid=OuterRef("response_uid"),
            survey__trust_mode=TrustMode.TRUSTEE,
        )
    )


def with_response(items: QuerySet[FeedbackItem], organization: Organization) -> QuerySet:
    """Each item with its response's tier, survey title, trust mode and pseudonymous code (None
    for items not from a survey), its customer and its theme: for one page of a list."""
    response = Response.objects.filter(organization=organization, uid=OuterRef("response_uid"))
    return (
        items.annotate(
            response_tier=Subquery(response.values("tier")[:1]),
            survey_title=Subquery(response.values("survey__title")[:1]),
            trust_mode=Subquery(response.values("survey__trust_mode")[:1]),
            code=Subquery(response.values("respondent_code")[:1]),
        )
        .select_related("customer", "theme_link__theme")
        .order_by("-received_at", "-id")
    )


@dataclass(frozen=True)
class Comments:
    items: QuerySet  # matching, newest first, trustee items left out when too few
    hidden: int  # trustee-survey items left out: fewer than MIN_GROUP matched


def list_comments(
    organization: Organization, f: CommentFilter, *, moved_ids: list[int] | None = None
) -> Comments:
    """The matching items, newest first. When 1 to 4 of them come from trustee surveys, those
    are left out (and counted): so few could point at who wrote them. One query (plus the
    page's own count and rows)."""
    items = matching_items(organization, f, moved_ids=moved_ids)
    held_back = is_held_back(organization.pk)  # trustee surveys under MIN_GROUP responses
    held = items.filter(held_back).count()
    items = items.filter(~held_back)
    trustee = items.filter(_trustee(organization)).count()
    if 0 < trustee < MIN_GROUP:
        items = items.exclude(_trustee(organization))
    else:
        trustee = 0
    return Comments(with_response(items, organization), held + trustee)


def followed_response_ids(
    organization: Organization,
    f: CommentFilter,
    *,
    survey: Survey | None = None,
    limit: int = MAX_MOVED_RESPONSES,
) -> tuple[list[int], bool]:
    """The answers in `f.period` of the customers the filter follows, as the movement page
    counts them (of `survey`, or of every survey): those who moved `f.moved` from `f.period_a`
    to `f.period`, or those whose latest answer in `f.period` had the tier `f.latest`. Newest
    first, at most `limit`, and whether some were left out. One query."""
    b, a = f.period, f.period_a if f.moved else None
    if b is None or not (f.latest or (f.moved and a is not None)):
        return [], False
    start, end = (min(a.start, b.start), max(a.end, b.end)) if a else (b.start, b.end)
    rows = load_rows(organization, start=start, end=end, survey=survey)
    known = np.array([c is not None for c in rows.customers], dtype=bool)
    customers, times, tiers = rows.customers[known], rows.times[known], rows.tiers[known]
    bounds = to_datetime64([b.start, b.end])
    in_b = latest_tiers(customers, times, tiers, start=bounds[0], end=bounds[1])
    if a is not None:
        period_a = to_datetime64([a.start, a.end])
        in_a = latest_tiers(customers, times, tiers, start=period_a[0], end=period_a[1])
        chosen = {c for c, tier in in_b.items() if _in_move(f.moved, in_a.get(c), tier)}
    else:
        chosen = {c for c, tier in in_b.items() if tier == f.latest}
    pick = (times >= bounds[0]) & (times < bounds[1])
    pick &= np.array([c in chosen for c in customers], dtype=bool)
    ids = [int(i) for i in rows.ids[known][pick][::-1]]
    return ids[:limit], len(ids) > limit
