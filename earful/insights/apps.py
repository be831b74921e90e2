import os

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "earful.insights"
    label = "insights"

    def ready(self) -> None:
        # The text model's threads sleep while they wait for work instead of spinning. Where
        # cores are shared (web processes, the database, other workers) spinning threads burn
        # half the CPU: bench/enrichment.py measured 20 ms of CPU per short text with spinning,
        # 10 ms without, and twice the items/s. OpenMP reads this when torch loads, which is
        # after Django starts; a value set by the operator wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from earful.insights import handlers  # noqa: F401  (connects the receivers)
