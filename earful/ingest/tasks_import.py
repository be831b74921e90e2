"""Background imports: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task


@task()
def import_upload(run_id: int) -> str:
    """Imports the file uploaded for ImportRun `run_id`; returns the run's status."""
    from earful.ingest.services import importing

    run = importing.run_uploaded_import(run_id=run_id)
    return run.status if run else "missing"
