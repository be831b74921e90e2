"""/api/v1/items/trends: weekly volume of feedback items by channel, source and theme, and the
rising and falling request types. Thin: parse, call the selector, shape the answer (methods in
earful/inbox/selectors_trends.py and docs/user/request-trends.md)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.inbox.schemas_trends import RequestTrendsOut
from earful.inbox.selectors_trends import (
    RequestTrends,
    TrendFilterInvalid,
    VolumeSeries,
    method_words,
    parse_trend_filter,
    request_trends,
)

router = Router(tags=["items"])


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _series(trends: RequestTrends, s: VolumeSeries) -> dict[str, Any]:
    test = s.test
    return {
        "dimension": s.dimension, "key": s.key, "label": s.label, "channel": s.channel,
        "weekly": s.weekly, "this_week": s.this_week, "total": s.total,
        "recent_rate": test.recent or 0.0, "baseline_rate": test.baseline or 0.0,
        "change": _finite(s.change), "week_over_week": s.week_over_week, "slope": s.slope,
        "p_value": test.p_value, "q_value": s.q_value, "n_recent": test.n_recent,
        "n_baseline": test.n_baseline, "direction": s.direction,
        "items_url": trends.link(s, *trends.window("period")),
    }  # fmt: skip


def _window(days: tuple[date, date]) -> dict[str, date]:
    return {"first": days[0], "last": days[1]}


@router.get("/trends", response={200: RequestTrendsOut, 404: ErrorOut, 422: ErrorOut})
def trends(
    request: HttpRequest,
    channel: str = "",
    source: str = "",
    theme: str = "",
    weeks: str = "",
    recent_weeks: str = "",
    until: str = "",
) -> dict:
    """Items a week over the last `weeks` complete weeks (12 by default; Mondays, UTC), in all
    and per channel, source and theme (and theme within each channel), for the items matching
    the filters; each series tested: its last `recent_weeks` (4) against the weeks before, with
    the exact Poisson test, Benjamini-Hochberg across every series at a 5% false discovery
    rate, and a 25% minimum change. `rising` and `falling` list the request types (themes)."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    params = {"channel": channel, "source": source, "theme": theme, "weeks": weeks}
    params |= {"recent_weeks": recent_weeks, "until": until}
    try:
        f = parse_trend_filter(member, params)
    except TrendFilterInvalid as exc:
        raise ApiInvalid([(exc.field, exc.message)]) from exc
    found = request_trends(member.organization, f)
    themes = found.request_findings
    return {
        "filters": {
            "channel": f.channel, "source": f.source, "theme": f.theme, "weeks": f.weeks,
            "recent_weeks": f.recent, "until": f.until,
        },
        "weeks": found.weeks, "current_week": found.current_week, "counted_until": found.until,
        "recent": _window(found.window("recent")), "baseline": _window(found.window("baseline")),
        "test": method_words(found), "fdr": found.fdr, "min_change": found.min_effect,
        "min_items": found.min_count, "tested": found.tested,
        "rising": [_series(found, s) for s in themes if s.direction == "rising"],
        "falling": [_series(found, s) for s in themes if s.direction == "falling"],
        "series": [_series(found, s) for s in found.series],
    }  # fmt: skip
