from __future__ import annotations

from earful.ingest.management.commands.import_tickets import Command as ImportCommand
from earful.ingest.models import Kind


class Command(ImportCommand):
    help = (
        "Import public reviews from a file (upsert on the source's id: a rerun adds nothing). "
        "Used as `earful import reviews FILE --source NAME --org SLUG`."
    )
    kind = Kind.REVIEWS
