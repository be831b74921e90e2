"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from earful.surveys.services import expanding


@task()
def expand_answers() -> int:
    """Writes the Answer rows and feedback items of every response accepted but not expanded."""
    return expanding.expand_responses(pause=expanding.PAUSE)
