"""Reads for exports: rows streamed in chunks (bounded memory), trustee rules applied.

Nothing here writes; recording an export in the audit log is the caller's service call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from earful.accounts.models import Organization
from earful.customers.models import Customer
from earful.feedback.models import FeedbackItem
from earful.surveys.models import Question, Response, Survey, TrustMode
from earful.surveys.trust import MIN_GROUP

CHUNK = 2000


@dataclass(frozen=True)
class Export:
    """What a file will hold: its columns and its rows (a generator: read once)."""

    name: str
    columns: list[str]
    rows: Iterator[dict[str, Any]]
    withheld: str = ""  # why the rows were held back (trustee mode), blank when none were


@dataclass(frozen=True)
class ResponseFilters:
    since: datetime | None = None
    until: datetime | None = None
    finished: bool | None = None
    after_id: int = 0


def _question_columns(questions: list[Question]) -> list[str]:
    columns = []
    for question in questions:
        columns.append(question.key)
        if question.comment or not question.is_score:
            columns.append(question.comment_key)
    return columns


def response_columns(survey: Survey, questions: list[Question]) -> list[str]:
    who = {
        TrustMode.IDENTIFIED: ["customer"],
        TrustMode.PSEUDONYMOUS: ["respondent"],
        TrustMode.TRUSTEE: [],
    }[survey.trust_mode]  # type: ignore[index]
    submitted = ["submitted_on"] if survey.is_trustee else ["submitted_at", "finished_at"]
    return [
        "response",
        *submitted,
        *who,
        "channel",
        "score",
        "tier",
        "finished",
        *_question_columns(questions),
        "follow_up_reason",
        "follow_up_answer",
    ]


def filtered_responses(survey: Survey, filters: ResponseFilters) -> QuerySet[Response]:
    responses = Response.objects.filter(survey=survey, id__gt=filters.after_id)
    if filters.since:
        responses = responses.filter(submitted_at__gte=filters.since)
    if filters.until:
        responses = responses.filter(submitted_at__lt=filters.until)
    if filters.finished is not None:
        responses = responses.filter(finished_at__isnull=not filters.finished)
    return responses.order_by("id")


def trustee_withheld(survey: Survey, responses: QuerySet[Response]) -> str:
    """Why a trustee survey's rows are held back (blank: they are not)."""
    if survey.is_trustee and responses.count() < MIN_GROUP:
        return f"trustee mode: fewer than {MIN_GROUP} responses, so none are shown"
    return ""


def _response_row(survey: Survey, columns: list[str], values: dict[str, Any]) -> dict[str, Any]:
    given = values["answers_given"] or {}
    row: dict[str, Any] = {
        "response": str(values["uid"]),
        "channel": values["channel"],
        "score": values["score"],
        "tier": values["tier"],
        "finished": values["finished_at"] is not None,
        "follow_up_reason": values["probe_trigger"],
        "follow_up_answer": values["probe_answer"],
    }
    if survey.is_trustee:
        row["submitted_on"] = values["submitted_at"].date()  # a day, never the exact time
    else:
        row["submitted_at"] = values["submitted_at"]
        row["finished_at"] = values["finished_at"]
    if survey.trust_mode == TrustMode.IDENTIFIED:
        row["customer"] = values["customer__external_id"] or values["customer_ref"]
    elif survey.trust_mode == TrustMode.PSEUDONYMOUS:
        row["respondent"] = values["respondent_code"]
    for column in columns:
        if column not in row:
            row[column] = given.get(column)
    return row


_RESPONSE_FIELDS = (
    "id",
    "uid",
    "submitted_at",
    "finished_at",
    "customer__external_id",
    "customer_ref",
    "respondent_code",
    "channel",
    "score",
    "tier",
    "answers_given",
    "probe_trigger",
    "probe_answer",
)


def response_rows(
    survey: Survey, columns: list[str], responses: QuerySet[Response]
) -> Iterator[dict[str, Any]]:
    for values in responses.values(*_RESPONSE_FIELDS).iterator(chunk_size=CHUNK):
        yield _response_row(survey, columns, values)


def response_export(survey: Survey, filters: ResponseFilters | None = None) -> Export:
    """One row per response, a column per question and comment, and the metadata."""
    questions = list(survey.questions.all())
    columns = response_columns(survey, questions)
    responses = filtered_responses(survey, filters or ResponseFilters())
    withheld = trustee_withheld(survey, responses)
    rows = iter(()) if withheld else response_rows(survey, columns, responses)
    return Export(f"survey-{survey.pk}-responses", columns, rows, withheld)


def response_page(
    survey: Survey, filters: ResponseFilters, limit: int
) -> tuple[list[dict[str, Any]], int | None, str]:
    """One page for the API: the rows, the id to continue after (None: the last page), and
    why rows were withheld."""
    questions = list(survey.questions.all())
    columns = response_columns(survey, questions)
    responses = filtered_responses(survey, filters)
    withheld = trustee_withheld(survey, filtered_responses(survey, ResponseFilters()))
    if withheld:
        return [], None, withheld
    values = list(responses.values(*_RESPONSE_FIELDS)[: limit + 1])
    more = len(values) > limit
    rows = [_response_row(survey, columns, v) for v in values[:limit]]
    return rows, (values[limit - 1]["id"] if more else None), ""


ITEM_COLUMNS = [
    "item",
    "channel",
    "received_at",
    "customer",
    "source",
    "title",
    "text",
    "score",
    "score_scale",
    "sentiment",
    "sentiment_score",
    "hesitant",
    "hesitancy_reason",
]


def _chunks(values: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_SURVEY_PREFIX = "survey-response:"


def _trustee_uids(chunk: list[dict[str, Any]]) -> set[str]:
    """The response uids, among this chunk's survey comments, that belong to trustee surveys."""
    uids = {
        v["source_key"].split(":")[1]
        for v in chunk
        if v["source_key"].startswith(_SURVEY_PREFIX) and v["source_key"].count(":") >= 2
    }
    if not uids:
        return set()
    trustee = Response.objects.filter(uid__in=uids, survey__trust_mode=TrustMode.TRUSTEE)
    return {str(uid) for uid in trustee.values_list("uid", flat=True)}


def _item_row(values: dict[str, Any], trustee: set[str]) -> dict[str, Any]:
    key = values.pop("source_key")
    row = {"item": values.pop("id"), **values}
    row["customer"] = row.pop("customer__external_id") or ""
    if key.startswith(_SURVEY_PREFIX) and key.split(":")[1] in trustee:
        row["customer"] = ""
        row["received_at"] = row["received_at"].date()  # a day, never the exact time
    return row


def item_export(organization: Organization) -> Export:
    """Every feedback item with its enrichment. Comments from trustee surveys carry no customer
    and only the day they were received."""
    items = (
        FeedbackItem.objects.filter(organization=organization)
        .order_by("id")
        .values("id", "source_key", "customer__external_id", *ITEM_COLUMNS[1:3], *ITEM_COLUMNS[4:])
    )

    def rows() -> Iterator[dict[str, Any]]:
        for chunk in _chunks(items.iterator(chunk_size=CHUNK)):
            trustee = _trustee_uids(chunk)
            for values in chunk:
                yield _item_row(values, trustee)

    return Export(f"{organization.slug}-feedback", ITEM_COLUMNS, rows())


CUSTOMER_COLUMNS = ["external_id", "email", "name", "timezone", "locale", "account", "created_at"]


def customer_export(organization: Organization) -> Export:
    customers = (
        Customer.objects.filter(organization=organization)
        .order_by("id")
        .values("external_id", "email", "name", "timezone", "locale", "account__name", "created_at")
    )

    def rows() -> Iterator[dict[str, Any]]:
        for values in customers.iterator(chunk_size=CHUNK):
            row: dict[str, Any] = dict(values)
            row["account"] = row.pop("account__name") or ""
            yield row

    return Export(f"{organization.slug}-customers", CUSTOMER_COLUMNS, rows())


def find_customer(organization: Organization, who: str) -> Customer | None:
    """A customer by e-mail (case-insensitive) or external id."""
    who = who.strip()
    if not who:
        return None
    return (
        Customer.objects.filter(organization=organization)
        .filter(Q(email__iexact=who) | Q(external_id=who))
        .order_by("id")
        .first()
    )


def _rows(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def customer_data(customer: Customer) -> dict[str, Any]:
    """Everything Earful holds about one customer (GDPR article 15), as plain data."""
    from earful.outreach.models import ContactDecision, Invitation, OutboundMessage
    from earful.surveys.models import PrizeDrawEntry, ResponseIdentity

    kept_apart = ResponseIdentity.objects.filter(customer=customer).values_list("response_id")
    responses = Response.objects.filter(Q(customer=customer) | Q(id__in=kept_apart))
    uids = [str(uid) for uid in responses.values_list("uid", flat=True)]
    items = Q(customer=customer)
    for uid in uids:
        items |= Q(source_key__startswith=f"survey-response:{uid}:")
    return {
        "customer": _rows(
            Customer.objects.filter(id=customer.id),
            "external_id",
            "email",
            "name",
            "timezone",
            "locale",
            "account__name",
            "attributes",
            "unsubscribed_at",
            "created_at",
        )[0],
        "events": _rows(customer.events.order_by("occurred_at"), "name", "occurred_at", "key"),
        "responses": _rows(
            responses.order_by("submitted_at"),
            "uid",
            "survey__title",
            "submitted_at",
            "finished_at",
            "channel",
            "score",
            "tier",
            "answers_given",
            "probe_trigger",
            "probe_answer",
        ),
        "feedback": _rows(
            FeedbackItem.objects.filter(organization_id=customer.organization_id)
            .filter(items)
            .order_by("received_at"),
            "channel",
            "source",
            "received_at",
            "title",
            "text",
            "score",
            "sentiment",
            "hesitant",
            "url",
        ),
        "invitations": _rows(
            Invitation.objects.filter(customer=customer).order_by("created_at"),
            "survey__title",
            "status",
            "sent_at",
            "opened_at",
            "answered_at",
        ),
        "messages": _rows(
            OutboundMessage.objects.filter(customer=customer).order_by("created_at"),
            "kind",
            "channel",
            "state",
            "send_after",
            "sent_at",
        ),
        "contact_decisions": _rows(
            ContactDecision.objects.filter(customer=customer).order_by("decided_at"),
            "survey__title",
            "kind",
            "decision",
            "reason",
            "decided_at",
        ),
        "prize_draw_entries": _rows(
            PrizeDrawEntry.objects.filter(customer=customer), "survey__title", "code", "created_at"
        ),
    }


def summary_lines(data: dict[str, Any]) -> list[str]:
    """The readable summary that goes with the JSON: what Earful holds, in sentences."""
    person = data["customer"]
    name = person["name"] or person["email"] or person["external_id"]
    lines = [
        f"What we hold about {name}",
        f"Customer since {person['created_at']:%d %B %Y}; e-mail {person['email'] or '(none)'}; "
        f"time zone {person['timezone']}.",
    ]
    words = {
        "events": "things you did that we recorded (purchases, tickets ...)",
        "responses": "survey answers",
        "feedback": "comments, tickets, reviews or posts",
        "invitations": "survey invitations",
        "messages": "messages we sent or planned",
        "contact_decisions": "decisions about contacting you",
        "prize_draw_entries": "prize-draw entries",
    }
    for key, said in words.items():
        lines.append(f"{len(data[key])} {said}.")
    return lines


def audit_events(
    organization: Organization,
    *,
    action: str = "",
    actor: str = "",
    since: datetime | None = None,
    after: int = 0,
) -> QuerySet[Any]:
    """The organization's audit log, newest first; `after` continues below that id."""
    from earful.privacy.models import AuditEvent

    events = AuditEvent.objects.filter(organization=organization)
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if since:
        events = events.filter(at__gte=since)
    if after:
        events = events.filter(id__lt=after)
    return events.order_by("-id")
