"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from earful.ideas.services import embedding


@task()
def embed_idea(idea_id: int) -> bool:
    return embedding.embed_idea(idea_id=idea_id)
