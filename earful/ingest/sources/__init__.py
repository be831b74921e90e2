"""The registry of sources: every package under this folder that defines `SOURCE`."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from earful.ingest.sources.base import Source


@cache
def all_sources() -> dict[str, Source]:
    found: dict[str, Source] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            module = importlib.import_module(f"{__name__}.{info.name}")
            source = getattr(module, "SOURCE", None)
            if isinstance(source, Source):
                found[source.name] = source
    return dict(sorted(found.items()))


def get_source(name: str) -> Source | None:
    return all_sources().get(name)
