"""Full-text search (earful/inbox/search.py): the same results on SQLite (FTS5) and PostgreSQL
(full-text with a GIN index). The suite runs on both: EARFUL_TEST_DATABASE_URL picks."""

from __future__ import annotations

import pytest
from django.db import connection

from earful.feedback.models import FeedbackItem
from earful.inbox.search import (
    FTS_TABLE,
    PG_INDEX,
    SearchQuery,
    Term,
    install_search_index,
    parse_query,
    repair_search_index,
    search_items,
    uninstall_search_index,
)
from earful.inbox.tests.factories import make_item

ODD_INPUTS = [
    '"', '""', '"""', "AND(", "AND", "OR", "NOT", "NEAR(a b)", "*", "a*", "^late", "-late",
    "title:late", "late OR", "(late", "late)", "'", "\\", "%", "_", "{late}", "late:*", "!late",
    "late & parcel", "late | x", "<->", "'late'", "\x00", "😡 late", "  ", "", "a" * 600,
    "late" + " x" * 40, '"late', 'late"', '"late parcel', "late''", "col:late AND(",
]  # fmt: skip


def found(text: str) -> set[int]:
    items = FeedbackItem.objects.all()
    return set(search_items(items, text).values_list("id", flat=True))


@pytest.fixture
def texts(org_a) -> dict[str, int]:
    rows = {
        "late": "The parcel arrived late and the box was damaged",
        "refund": "I asked for a refund three weeks ago, nobody answered",
        "refunded": "They refunded me within a day, great service",
        "reverse": "Damaged box, and the parcel was late",
        "email": "Write to bob@shop.example or call, the e-mail form is broken",
        "price": "Costs 3.5 euros more than last year",
        "cafe": "Lovely café near the station",
    }
    ids = {key: make_item(org_a, text).pk for key, text in rows.items()}
    ids["titled"] = make_item(org_a, "See title", title="Checkout keeps crashing").pk
    ids["author"] = make_item(org_a, "Five stars", author="Margot Lafleur", channel="review").pk
    return ids


def test_every_word_must_appear_in_any_order(texts):
    assert found("parcel late") == {texts["late"], texts["reverse"]}
    assert found("late parcel damaged box") == {texts["late"], texts["reverse"]}
    assert found("late refund") == set()


def test_a_phrase_in_quotes_must_appear_as_written(texts):
    assert found('"parcel arrived late"') == {texts["late"]}
    assert found('"late parcel"') == set()
    assert found('"damaged box" "parcel was"') == {texts["reverse"]}


def test_the_last_word_also_finds_longer_words(texts):
    assert found("refun") == {texts["refund"], texts["refunded"]}
    assert found("refund") == {texts["refund"], texts["refunded"]}  # the last word is a prefix
    assert found("day refund") == {texts["refunded"]}
    assert found("refund day") == set()  # only the last word continues
    assert found('"refund"') == {texts["refund"]}  # in quotes: the word itself


def test_title_and_author_are_searched_too(texts):
    assert found("checkout crash") == {texts["titled"]}
    assert found("lafleur") == {texts["author"]}
    assert found("margot five") == {texts["author"]}


def test_case_does_not_matter_but_accents_do(texts):
    assert found("PARCEL Arrived") == {texts["late"]}
    assert found("CAFÉ") == {texts["cafe"]}
    assert found("cafe") == set()


def test_punctuation_splits_words_the_same_way_on_both_databases(texts):
    assert found("shop example") == {texts["email"]}
    assert found("bob@shop.example") == {texts["email"]}
    assert found("mail form") == {texts["email"]}
    assert found('"e mail"') == {texts["email"]}
    assert found("3 5 euros") == {texts["price"]}
    assert found("3.5") == {texts["price"]}


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises_and_finds_only_what_its_words_say(texts, text):
    result = found(text)  # no syntax error from either engine
    words = parse_query(text)
    if not words:
        assert result == set(texts.values())  # nothing to search for: nothing narrowed
    elif [term.words for term in words.terms] == [("late",)]:
        assert result == {texts["late"], texts["reverse"]}


def test_the_index_follows_new_changed_and_deleted_items(org_a, texts):
    item = FeedbackItem.objects.get(pk=texts["refund"])
    item.text = "The zipper broke on day two"
    item.save()
    assert found("zipper") == {item.pk}
    assert found("nobody answered") == set()
    FeedbackItem.objects.filter(pk=item.pk).update(title="Broken zipper", sentiment="negative")
    assert found("broken zipper") == {item.pk}
    with connection.cursor() as cursor:  # as any delete does, whatever points at the item
        cursor.execute(f"DELETE FROM {FeedbackItem._meta.db_table} WHERE id = %s", [item.pk])
    assert found("zipper") == set()
    new = make_item(org_a, "Zipper again")
    assert found("zipper") == {new.pk}


def test_an_enrichment_update_leaves_the_index_as_it_was(texts):
    FeedbackItem.objects.update(sentiment="neutral", hesitant=False)
    assert found("parcel late") == {texts["late"], texts["reverse"]}


def test_search_keeps_the_other_filters(org_a, charlie, texts):
    make_item(charlie.organization, "The parcel arrived late in org B")
    items = FeedbackItem.objects.filter(organization=org_a, channel="review")
    assert set(search_items(items, "stars").values_list("id", flat=True)) == {texts["author"]}
    assert set(search_items(items, "parcel").values_list("id", flat=True)) == set()


def test_a_query_is_cut_into_words_phrases_and_a_last_prefix():
    query = parse_query('late  "Parcel   ARRIVED" AND( refu')
    assert query == SearchQuery(
        (
            Term(("late",)),
            Term(("parcel", "arrived")),
            Term(("and",)),
            Term(("refu",), prefix=True),
        )
    )
    assert query.fts5() == '"late" AND "parcel arrived" AND "and" AND "refu"*'
    assert query.tsquery() == "'late' & ('parcel' <-> 'arrived') & 'and' & 'refu':*"
    assert not parse_query('" * ( ) -')
    assert parse_query("a").terms == (Term(("a",)),)  # one letter: not a prefix


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 triggers are SQLite's")
def test_a_rebuilt_item_table_gets_its_triggers_back_after_migrate(org_a, texts):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {FTS_TABLE}_insert")
    lost = make_item(org_a, "Written while the trigger was gone: umbrella")
    assert found("umbrella") == set()
    assert repair_search_index(connection) is True
    assert found("umbrella") == {lost.pk}
    assert repair_search_index(connection) is False  # nothing more to do
    again = make_item(org_a, "umbrella two")
    assert found("umbrella") == {lost.pk, again.pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_the_migration_indexes_the_items_that_were_already_there(org_a):
    uninstall_search_index(connection)
    before = make_item(org_a, "Stored before the index existed: lighthouse")
    install_search_index(connection, rebuild=True)
    assert found("lighthouse") == {before.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_answers_a_search_from_the_gin_index(org_a, texts):
    items = search_items(FeedbackItem.objects.all(), "parcel late")
    sql, params = items.values("id").query.sql_with_params()
    with connection.cursor() as cursor:  # a handful of rows: make the planner show its hand
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {PG_INDEX}" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_sqlite_answers_a_search_from_the_fts5_table(org_a, texts):
    items = search_items(FeedbackItem.objects.filter(organization=org_a), "parcel late")
    sql, params = items.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert f"SCAN {FTS_TABLE} VIRTUAL TABLE INDEX" in plan
