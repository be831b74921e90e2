"""The stored vector of each idea's title (the similar-ideas lookup reads these)."""

from __future__ import annotations

from django.db.models import F

from earful.ideas.models import Board, Idea, IdeaVector
from earful.ideas.services.similarity import embed_titles
from earful.insights.models import vector_bytes

BATCH = 256


def embed_idea(*, idea_id: int) -> bool:
    """Stores the idea's title vector; False when the idea is gone or the model failed (the
    sweep, `earful ideas-sweep`, tries again)."""
    idea = Idea.objects.filter(pk=idea_id).only("pk", "title", "organization_id").first()
    if idea is None:
        return False
    return embed_missing(ideas=[idea]) == 1


def embed_missing(*, ideas: list[Idea] | None = None, organization_id: int | None = None) -> int:
    if ideas is None:
        todo = Idea.objects.filter(vector__isnull=True)
        if organization_id is not None:
            todo = todo.filter(organization_id=organization_id)
        ideas = list(todo.only("pk", "title", "organization_id")[:5000])
    done = 0
    for start in range(0, len(ideas), BATCH):
        chunk = ideas[start : start + BATCH]
        try:
            vectors = embed_titles([i.title for i in chunk])
        except Exception:  # the model is optional at run time: words still answer
            return done
        IdeaVector.objects.bulk_create(
            [
                IdeaVector(idea_id=i.pk, organization_id=i.organization_id, vector=vector_bytes(v))
                for i, v in zip(chunk, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["idea"],
            update_fields=["vector"],
        )
        bump_vectors({i.organization_id for i in chunk})
        done += len(chunk)
    return done


def bump_vectors(organization_ids: set[int]) -> None:
    """Tells every process that the organization's similar-ideas matrix is out of date."""
    for organization_id in organization_ids:
        Board.objects.get_or_create(organization_id=organization_id)
    Board.objects.filter(organization_id__in=organization_ids).update(
        vectors_version=F("vectors_version") + 1
    )
