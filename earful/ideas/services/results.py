"""Public results of a survey (/r/<public_id>/): the fields the organization chose, with the
minimum group size of trustee mode for everyone (no group under 5 is shown)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from earful.ideas.models import ResultsPage
from earful.ideas.services.errors import IdeasInvalid
from earful.insights.selectors import survey_summary
from earful.insights.selectors_comments import CommentFilter, matching_items
from earful.surveys.models import Survey
from earful.surveys.trust import MIN_GROUP

CHANGES_MAX = 5000
TOP_THEMES = 5


def configure_results(
    *,
    survey: Survey,
    published: bool | None = None,
    show_score: bool | None = None,
    show_tiers: bool | None = None,
    show_themes: bool | None = None,
    changes: str | None = None,
) -> ResultsPage:
    page, _ = ResultsPage.objects.get_or_create(
        survey=survey, defaults={"organization_id": survey.organization_id}
    )
    if changes is not None:
        if len(changes) > CHANGES_MAX:
            raise IdeasInvalid([("changes", f"at most {CHANGES_MAX} characters")])
        page.changes = changes.strip()
    for name, value in (
        ("published", published),
        ("show_score", show_score),
        ("show_tiers", show_tiers),
        ("show_themes", show_themes),
    ):
        if value is not None:
            setattr(page, name, value)
    page.save()
    return page


@dataclass(frozen=True)
class PublicResults:
    title: str
    kind: str
    responses: int | None  # None: fewer than MIN_GROUP
    score: float | None
    tiers: dict[str, int] | None  # None: hidden (not chosen, or a group under MIN_GROUP)
    themes: list[tuple[str, int]] = field(default_factory=list)
    changes: str = ""


def public_results(page: ResultsPage) -> PublicResults:
    survey = page.survey
    summary = survey_summary(survey)
    enough = summary.scored >= MIN_GROUP
    tiers = {k: v for k, v in summary.tiers.items() if v is not None}
    tiers_ok = (
        enough
        and len(tiers) == len(summary.tiers)
        and all(v == 0 or v >= MIN_GROUP for v in tiers.values())
    )
    return PublicResults(
        title=survey.title,
        kind=survey.score_kind,
        responses=summary.responses if summary.responses >= MIN_GROUP else None,
        score=summary.score if (page.show_score and enough) else None,
        tiers=tiers if (page.show_tiers and tiers_ok) else None,  # type: ignore[arg-type]
        themes=top_themes(survey) if page.show_themes else [],
        changes=page.changes,
    )


def top_themes(survey: Survey) -> list[tuple[str, int]]:
    """The survey's most common themes, each with at least MIN_GROUP comments."""
    items = matching_items(survey.organization, CommentFilter(survey=survey.pk))
    rows = (
        items.filter(theme_link__theme__isnull=False)
        .values("theme_link__theme__label", "theme_link__theme__user_label")
        .annotate(n=Count("id"))
        .filter(n__gte=MIN_GROUP)
        .order_by("-n")[:TOP_THEMES]
    )
    return [
        (row["theme_link__theme__user_label"] or row["theme_link__theme__label"], row["n"])
        for row in rows
    ]
