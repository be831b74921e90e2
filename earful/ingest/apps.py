from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "earful.ingest"
    label = "ingest"
