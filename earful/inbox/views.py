"""The inbox pages: the list of every feedback item (filters, search, keyset pages) and one
item with its customer's timeline. Thin: parse, access, call selectors, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.feedback.models import Channel, Sentiment
from earful.inbox.filters import EMERGING, STATUSES, ItemFilter
from earful.inbox.selectors import (
    ItemPage,
    access_item,
    customer_timeline,
    filter_choices,
    find_items,
)
from earful.insights.stats.tiers import LEVELS


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def list_url(f: ItemFilter, **cursor: str) -> str:
    query = urlencode(f.params() | cursor)
    return reverse("inbox:list") + (f"?{query}" if query else "")


@member_required(Permission.VIEW_CUSTOMERS)
def item_list(request: HttpRequest) -> HttpResponse:
    """Every feedback item, newest first, filtered by the query string; bad parameters are
    named (400) and left out, the rest still applies."""
    organization = _member(request).organization
    found = find_items(organization, request.GET)
    f = found.filter
    context = {
        "found": found,
        "f": f,
        "choices": filter_choices(organization),
        "channels": Channel.choices,
        "sentiments": Sentiment.choices,
        "tiers": [(tier, tier.replace("_", " ")) for tier in LEVELS],
        "statuses": STATUSES,
        "chips": _chips(found),
        "older_url": list_url(f, after=found.older) if found.older else "",
        "newer_url": list_url(f, before=found.newer) if found.newer else "",
        "first_url": list_url(f),
    }
    return render(request, "inbox/list.html", context, status=400 if found.errors else 200)


def _chips(found: ItemPage) -> list[tuple[str, str]]:
    """Each active filter in words, with the link that removes it."""
    f, named = found.filter, found.named
    words = {
        "q": f"search: {f.q}",
        "channel": f"channel: {f.channel}",
        "source": f"source: {f.source}",
        "sentiment": f"sentiment: {f.sentiment}",
        "theme": "no theme yet (emerging)" if f.theme == EMERGING else f"theme: {named.theme}",
        "tier": f"customer's tier: {f.tier.replace('_', ' ')}",
        "customer": f"customer: {named.customer}",
        "account": f"account: {named.account}",
        "since": f"since {f.since}",
        "until": f"until {f.until}",
        "rating": f"rating {f.params().get('rating', '')}",
        "hesitant": "hesitant" if f.hesitant else "not hesitant",
        "status": f"analysis {f.status}",
    }
    return [(words[name], list_url(f.without(name))) for name in f.params()]


@member_required(Permission.VIEW_CUSTOMERS)
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """One item: its words, source, enrichment and metadata, and its customer's timeline."""
    member = _member(request)
    item = access_item(member, item_id)
    context = {
        "item": item,
        "timeline": customer_timeline(member, item),
        "can_read_customers": member.can(Permission.VIEW_CUSTOMERS),
        "metadata": sorted(item.metadata.items()) if isinstance(item.metadata, dict) else [],
        "back_url": _back(request.GET.get("back", "")),
    }
    return render(request, "inbox/detail.html", context)


def _back(url: str) -> str:
    """The list the member came from; only a link into the inbox is kept (no other site)."""
    return url if url.startswith(reverse("inbox:list")) and "//" not in url else ""
