"""The stored vector of each idea's title (the similar-ideas lookup reads these)."""

from __future__ import annotations

from earful.ideas.models import Idea
from earful.ideas.services.similarity import embed_titles
from earful.insights.models import vector_bytes

BATCH = 256


def embed_idea(*, idea_id: int) -> bool:
    """Stores the idea's title vector; False when the idea is gone or the model failed (the
    sweep, `earful ideas-sweep`, tries again)."""
    idea = Idea.objects.filter(pk=idea_id).only("pk", "title").first()
    if idea is None:
        return False
    return embed_missing(ideas=[idea]) == 1


def embed_missing(*, ideas: list[Idea] | None = None, organization_id: int | None = None) -> int:
    if ideas is None:
        todo = Idea.objects.filter(embedding=None)
        if organization_id is not None:
            todo = todo.filter(organization_id=organization_id)
        ideas = list(todo.only("pk", "title")[:5000])
    done = 0
    for start in range(0, len(ideas), BATCH):
        chunk = ideas[start : start + BATCH]
        try:
            vectors = embed_titles([i.title for i in chunk])
        except Exception:  # the model is optional at run time: words still answer
            return done
        for idea, vector in zip(chunk, vectors, strict=True):
            Idea.objects.filter(pk=idea.pk).update(embedding=vector_bytes(vector))
            done += 1
    return done
