"""/api/v1/items: the inbox. The same filters, search and pages as /inbox/ (one parser, one
selector); another organization's item answers 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut, Id
from earful.feedback.models import FeedbackItem
from earful.inbox.schemas import ItemDetailOut, ItemPageOut, ItemParams
from earful.inbox.selectors import access_item, customer_timeline, find_items

router = Router(tags=["items"])


@router.get("", response={200: ItemPageOut, 422: ErrorOut})
def list_items(request: HttpRequest, params: Query[ItemParams]) -> dict:
    """Every feedback item of the organization (survey comments, tickets, reviews, social
    posts, ideas), newest first, filtered and searched. Pages by cursor: follow
    `next_cursor` with `after=`, `previous_cursor` with `before=`."""
    member = api_member(request, Permission.VIEW_CUSTOMERS)
    found = find_items(
        member.organization, params.dict(exclude={"limit"}, exclude_none=True), limit=params.limit
    )
    if found.errors:
        raise ApiInvalid(found.errors)
    return {
        "items": found.items,
        "next_cursor": found.older,
        "previous_cursor": found.newer,
        "hidden": found.hidden,
    }


# A path parameter typed int: /items/trends (api_trends.py) is not taken for an id.
@router.get("/{item_id}", response={200: ItemDetailOut, 404: ErrorOut})
def get_item(request: HttpRequest, item_id: Id) -> FeedbackItem:
    """One item with its enrichment, what its source said (metadata) and its customer's
    timeline across channels."""
    member = api_member(request, Permission.VIEW_CUSTOMERS)
    item = access_item(member, item_id)
    item.timeline = customer_timeline(member, item)  # type: ignore[attr-defined]
    return item
