"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task


@task()
def enrich_feedback(item_ids: list[int]) -> int:
    """Sentiment, hesitancy and themes of these feedback items; skips those already analyzed.
    Returns how many it analyzed."""
    # Imported here: web processes load this module (the signal receiver enqueues this task)
    # and need none of the text models' libraries.
    from earful.insights.services import enrichment

    return enrichment.enrich_items_by_id(item_ids=item_ids).analyzed


@task()
def refresh_organization_themes(organization_id: int) -> int:
    """Finds an organization's themes again when they are due (see services.themes.themes_due);
    nothing when another run did it meanwhile. Returns the number of active themes."""
    from earful.insights.services import themes

    return themes.refresh_themes_if_due(organization_id=organization_id)
