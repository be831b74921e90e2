"""Full-text search of feedback items: one interface, two engines.

`search_items(items, "late parcel")` narrows a queryset of feedback items to those whose title,
text or author match. The same words give the same items on both databases:

- every word must appear (words are ANDed), in any order, case-insensitively;
- "words in quotes" must appear together, in that order (a phrase);
- the last word, when not in quotes and 2 letters or more, also finds longer words that start
  with it (`refun` finds "refund", "refunded");
- a word is a run of letters and digits: everything else separates words, on both engines
  (`bob@shop.com` is the three words bob, shop, com; `e-mail` is e, mail). Accents count
  (`cafe` does not find "café").

Nothing a person types is passed to either engine as syntax: the input is cut into words here,
and only words go out, quoted. `AND(`, a lone `"`, `*` or `NEAR` are words or nothing, never an
error. Input with no word at all searches nothing (every item stays).

SQLite: an FTS5 table, `inbox_item_search`, over `feedback_feedbackitem(title, text, author)`
(external content: the index only, the text stays in the item table), kept in step by three
triggers, made by migration inbox 0001 and rebuilt there for the existing rows.

PostgreSQL: a GIN index on the expression `DOCUMENT_SQL` (a `to_tsvector('simple', ...)` of the
same three columns, with the punctuation PostgreSQL's parser would keep inside a word turned
into spaces first), made by the same migration; queried with `to_tsquery('simple', ...)` built
from the words, so the index is used.

Both structures survive everything but a rebuild of the item table: Django rebuilds a SQLite
table for some schema changes (dropping its triggers with it), so `repair_search_index` runs
after every `migrate` and puts the triggers back, rebuilding the index, when they are gone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from earful.feedback.models import FeedbackItem

MAX_QUERY_LENGTH = 500  # characters of a search; longer input is refused by the filter parser
MAX_TERMS = 16  # words and phrases kept from one search (the rest are dropped)
MIN_PREFIX = 2  # a last word this long or longer also matches longer words

ITEM_TABLE = FeedbackItem._meta.db_table  # feedback_feedbackitem
FTS_TABLE = "inbox_item_search"
PG_INDEX = "inbox_item_search"
_TRIGGERS = (f"{FTS_TABLE}_insert", f"{FTS_TABLE}_delete", f"{FTS_TABLE}_update")

_WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" separates words on both engines

# ------------------------------------------------------------------------------ SQL (both)

# PostgreSQL's parser keeps some words whole that FTS5 splits (an email address, a host name,
# a decimal number, a hyphenated word): turning these characters into spaces first makes both
# engines see the same words. The query must repeat this expression exactly to use the index.
_PG_SPLIT = "@./:-_+#&'~=|\\"
DOCUMENT_SQL = (
    "to_tsvector('simple'::regconfig, translate("
    "coalesce({t}title, '') || ' ' || coalesce({t}text, '') || ' ' || coalesce({t}author, ''), "
    f"'{_PG_SPLIT.replace(chr(39), chr(39) * 2)}', '{' ' * len(_PG_SPLIT)}'))"
)

SQLITE_INSTALL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"title, text, author, content='{ITEM_TABLE}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS {_TRIGGERS[0]} AFTER INSERT ON {ITEM_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text, author) "
    "VALUES (new.id, new.title, new.text, new.author); END",
    f"CREATE TRIGGER IF NOT EXISTS {_TRIGGERS[1]} AFTER DELETE ON {ITEM_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text, author) "
    "VALUES ('delete', old.id, old.title, old.text, old.author); END",
    # Only when the words change: enrichment updates every item once, and must not pay for it.
    f"CREATE TRIGGER IF NOT EXISTS {_TRIGGERS[2]} AFTER UPDATE OF title, text, author "
    f"ON {ITEM_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text, author) "
    "VALUES ('delete', old.id, old.title, old.text, old.author); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text, author) "
    "VALUES (new.id, new.title, new.text, new.author); END",
)
SQLITE_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
SQLITE_UNINSTALL = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_INSTALL = (
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {ITEM_TABLE} "
    f"USING gin (({DOCUMENT_SQL.format(t='')}))",
)
POSTGRES_UNINSTALL = (f"DROP INDEX IF EXISTS {PG_INDEX}",)


# ------------------------------------------------------------------------------ the query


@dataclass(frozen=True)
class Term:
    """One word, or a phrase's words in order; `prefix`: the last word may continue."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """What a search asks for, engine-neutral: every term must match."""

    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self) -> str:
        """The FTS5 MATCH expression: each term a quoted string, ANDed."""
        parts = []
        for term in self.terms:
            quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
            parts.append(quoted + ("*" if term.prefix else ""))
        return " AND ".join(parts)

    def tsquery(self) -> str:
        """The PostgreSQL `to_tsquery` text: each word quoted, a phrase's words joined by <->,
        terms by &."""
        parts = []
        for term in self.terms:
            words = [_ts_word(word) for word in term.words]
            if term.prefix:
                words[-1] += ":*"
            parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
        return " & ".join(parts)


def _ts_word(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def parse_query(text: str) -> SearchQuery:
    """The terms of a search as a person types it: words, and "phrases in quotes" (an unclosed
    quote runs to the end). At most MAX_TERMS terms; no word at all gives an empty query."""
    text = unicodedata.normalize("NFC", text or "")[:MAX_QUERY_LENGTH]
    terms: list[Term] = []
    for index, chunk in enumerate(text.split('"')):
        words = tuple(word.lower() for word in _WORD.findall(chunk))
        if not words:
            continue
        if index % 2 and len(words) > 1:
            terms.append(Term(words))  # inside quotes: a phrase
        else:
            terms.extend(Term((word,)) for word in words)
    terms = _unique(terms)[:MAX_TERMS]
    last_quoted = text.count('"') % 2 == 1 or text.rstrip().endswith('"')
    last = terms[-1].words if terms else ()
    if not last_quoted and len(last) == 1 and len(last[0]) >= MIN_PREFIX:
        terms[-1] = Term(last, prefix=True)
    return SearchQuery(tuple(terms))


def _unique(terms: list[Term]) -> list[Term]:
    """Repeated terms asked once, the order kept (the last one stays last)."""
    seen: dict[Term, None] = {}
    for term in reversed(terms):
        seen.setdefault(term, None)
    return list(reversed(seen))


# ------------------------------------------------------------------------------ the search


def search_items(
    items: QuerySet[FeedbackItem], search: str | SearchQuery
) -> QuerySet[FeedbackItem]:
    """`items` narrowed to those matching the search (their order and joins kept). An empty
    search (no word in it) narrows nothing."""
    query = parse_query(search) if isinstance(search, str) else search
    if not query:
        return items
    vendor = connections[items.db].vendor
    if vendor == "sqlite":
        sql = f'"{ITEM_TABLE}"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)'
        return items.filter(RawSQL(sql, [query.fts5()], output_field=BooleanField()))
    if vendor == "postgresql":
        document = DOCUMENT_SQL.format(t=f'"{ITEM_TABLE}".')
        sql = f"{document} @@ to_tsquery('simple'::regconfig, %s)"
        return items.filter(RawSQL(sql, [query.tsquery()], output_field=BooleanField()))
    return items.filter(_contains_every_word(query))  # any other database: slow but right


def _contains_every_word(query: SearchQuery) -> Q:
    match = Q()
    for term in query.terms:
        words = " ".join(term.words)
        match &= Q(title__icontains=words) | Q(text__icontains=words) | Q(author__icontains=words)
    return match


# ------------------------------------------------------------------------------ the index


def install_search_index(connection: BaseDatabaseWrapper, *, rebuild: bool = True) -> None:
    """Creates the index for this database (and, on SQLite, fills it from the items)."""
    statements: tuple[str, ...] = ()
    if connection.vendor == "sqlite":
        statements = SQLITE_INSTALL + SQLITE_TRIGGERS + ((SQLITE_REBUILD,) if rebuild else ())
    elif connection.vendor == "postgresql":
        statements = POSTGRES_INSTALL
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall_search_index(connection: BaseDatabaseWrapper) -> None:
    statements: tuple[str, ...] = ()
    if connection.vendor == "sqlite":
        statements = SQLITE_UNINSTALL
    elif connection.vendor == "postgresql":
        statements = POSTGRES_UNINSTALL
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def repair_search_index(connection: BaseDatabaseWrapper) -> bool:
    """On SQLite, when the FTS table exists but a trigger is missing (the item table was
    rebuilt by a schema change), puts the triggers back and rebuilds the index. True when it
    had to. Nothing to do on PostgreSQL, nor before the migration made the table."""
    if connection.vendor != "sqlite":
        return False
    names = (FTS_TABLE, *_TRIGGERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name FROM sqlite_master WHERE name IN ({', '.join('%s' for _ in names)})",
            list(names),
        )
        found = {row[0] for row in cursor.fetchall()}
    if FTS_TABLE not in found or found.issuperset(_TRIGGERS):
        return False
    install_search_index(connection, rebuild=True)
    return True
