from __future__ import annotations

from earful.ingest.sources import all_sources, get_source
from earful.ingest.sources.base import Source

NINE = [
    "app_store",
    "csv",
    "freshdesk",
    "google_business",
    "google_play",
    "json",
    "social",
    "trustpilot",
    "zendesk",
]


def test_all_sources_lists_the_nine_sources():
    assert list(all_sources()) == NINE


def test_every_source_is_named_after_its_folder_and_has_a_kind():
    for name, source in all_sources().items():
        assert isinstance(source, Source)
        assert source.name == name
        assert source.kind in {"tickets", "reviews", "posts", "any"}
        assert source.label
        assert source.needs_columns == (source.kind == "any")


def test_get_source_finds_one_by_name_and_nothing_for_an_unknown_name():
    assert get_source("trustpilot").label == "Trustpilot reviews"
    assert get_source("myspace") is None
