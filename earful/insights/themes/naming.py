"""Plain-word names for themes: the key phrases that set a theme's texts apart from the rest.

Candidate phrases are 1-3 consecutive words as written, that neither start nor end with a
filler word ("the", "my", "please", "i'm"); "not"/"no"/"can't" may start a phrase ("not
working") but not end one. Each phrase is scored per theme by class-based TF-IDF on texts:
the share of the theme's texts that use it, times how much more often they do than the other
texts (log of the ratio). Longer phrases get a small bonus, so "card arrival" beats "arrival"
when nearly as many texts use it. The label is the best phrase that at least 10% of the theme's
texts use; the key phrases are the next best ones that do not repeat it.

Before counting, texts are read as the models read them (text/cleaning.py: no links, @handles
or signatures), and words that most texts of every theme use (a brand, the product: "ipad" in
a shop's tweets) are not candidates: they name no theme. The best RERANKED candidates are then
re-ranked KeyBERT-style: each phrase is embedded and its c-TF-IDF score is multiplied by
(0.5 + its cosine similarity to the theme's centroid), so the phrase that says what the theme
is about beats one that merely co-occurs ("lost luggage" over "bags yesterday"). A theme with
no phrase used twice is named "Other topics" (never a clipped sentence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from earful.insights.text.cleaning import readable
from earful.insights.themes.theme_set import NO_THEME, Theme, unit_rows

Embedder = Callable[[list[str]], np.ndarray]

NEGATIONS = frozenset({"not", "no", "never", "nothing", "cannot", "nor", "without", "none"})
# Function words (the usual short English list) and words people use around any request.
_FILLER_WORDS = """a about above after again against all am an and any are as at be because
    been before being below between both but by can could did do does doing done
    during each else ever few
    for from further had has have having he her here hers herself him himself his how i if into
    is it its itself just me might more most much must my myself of once only or other our
    ours ourselves own same shall she should so some such than that the their theirs them
    themselves then there these they this those to too under until us very was we were what
    when where which while who whom why will with would you your yours yourself yourselves
    hi hello hey please pls thanks thank thx really ok okay yes yeah also still got get gets
    getting go going want wanted need needs like know let tell help way able use using used
    make happened happen think today day time lot bit thing things stuff one something anything
    someone anyone may maybe since yet already even though
    two three four five six seven eight nine ten im ive dont cant didnt doesnt amp rt via"""
FILLER = frozenset(_FILLER_WORDS.split())
AUXILIARIES = frozenset(
    [
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
    ]
)
PARTICLES = frozenset({"up", "in", "out", "off", "on", "down", "back", "over", "through"})
CLAUSE = re.compile(r"[.,;:!?()\[\]\"/\n]+")
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
MAX_WORDS = 3
LENGTH_BONUS = 0.6  # per extra word
LABEL_COVERAGE = 0.10  # the label is used by at least this share of the theme's texts
KEYPHRASES = 5
MAX_JOINED = 4  # words in a label made of two key phrases and what joins them
EXAMPLES = 3
RERANKED = 8  # best c-TF-IDF candidates per theme re-ranked against the centroid
COMMON_SHARE = 0.3  # a word in this share of all texts ...
COMMON_IN_EVERY = 0.5  # ... and in half as many of every theme's, as often, names no theme
FALLBACK_LABEL = "Other topics"


def _is_negation(word: str) -> bool:
    return word in NEGATIONS or word.endswith("n't")


def _is_filler(word: str) -> bool:
    if _is_negation(word):
        return False
    return word in FILLER or word in PARTICLES or "'" in word or word.isdigit() or len(word) < 2


def phrases(text: str) -> list[str]:
    """The candidate phrases of one text: 1-3 words as written, no filler at either end; a
    three-word phrase may have one in the middle ("change of address"); a phrase may start with
    a negation followed by a content word ("not working", "hasn't arrived"); a particle may end
    a longer phrase ("top up", "log in")."""
    found = []
    for clause in CLAUSE.split(text.lower().replace("\u2019", "'")):
        words = WORD.findall(clause)
        for size in range(1, MAX_WORDS + 1):
            for start in range(len(words) - size + 1):
                gram = words[start : start + size]
                if _acceptable(gram):
                    found.append(" ".join(gram))
    return found


def _acceptable(gram: list[str]) -> bool:
    first, last = gram[0], gram[-1]
    if _is_negation(first):
        if len(gram) == 1 or _is_filler(gram[1]):
            return False
    elif _is_filler(first):
        return False
    if _is_negation(last):
        return False
    if not _is_filler(last):
        return True
    return len(gram) > 1 and last in PARTICLES and not _is_filler(gram[-2])


def name_themes(
    texts: Sequence[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    themes: list[Theme],
    *,
    embedder: Embedder | None = None,
) -> None:
    """Sets label, keyphrases and examples of each theme (members: labels == theme.id).
    `embedder` embeds candidate phrases for the re-ranking (None: the shipped model)."""
    if not themes:
        return
    scored = np.flatnonzero(labels != NO_THEME)
    if len(scored) == 0:
        return
    cleaned = [readable(texts[int(i)]) for i in scored]
    vectorizer = CountVectorizer(analyzer=phrases, binary=True, min_df=2)
    try:
        counts = sp.csr_matrix(vectorizer.fit_transform(cleaned))
        vocabulary = np.array(vectorizer.get_feature_names_out())
    except ValueError:  # no phrase used twice
        counts, vocabulary = sp.csr_matrix((len(scored), 0)), np.array([], dtype=str)
    allowed = _naming_words(counts, vocabulary, labels[scored], themes)
    ranked_of = {}
    for theme in themes:
        inside = labels[scored] == theme.id
        ranked_of[theme.id] = _ranked_phrases(counts, vocabulary, inside, allowed)
    _rerank(themes, ranked_of, embedder)
    for theme in themes:
        distinct = _distinct(ranked_of[theme.id])
        members = np.flatnonzero(labels == theme.id)
        theme.label = _label(distinct, [readable(texts[int(i)]) for i in members])
        theme.keyphrases = _with_label(theme.label.lower(), distinct)
        theme.examples = _examples(texts, vectors, members, theme)
        if not theme.label:
            theme.label = FALLBACK_LABEL
    _tell_apart(themes)


def _naming_words(
    counts: sp.csr_matrix, vocabulary: np.ndarray, labels: np.ndarray, themes: list[Theme]
) -> np.ndarray:
    """False for phrases holding a word that names no theme: used by COMMON_SHARE of all texts
    and, in every theme, by at least COMMON_IN_EVERY times that share."""
    allowed = np.ones(len(vocabulary), dtype=bool)
    if counts.shape[1] == 0 or len(themes) < 2:
        return allowed
    single = np.array([" " not in str(p) for p in vocabulary])
    overall = np.asarray(counts.mean(axis=0)).ravel()
    common = single & (overall >= COMMON_SHARE)
    for theme in themes:
        inside = labels == theme.id
        if inside.any():
            share = np.asarray(counts[inside].mean(axis=0)).ravel()
            common &= share >= COMMON_IN_EVERY * overall
    banned = {str(word) for word in vocabulary[common]}
    if banned:
        allowed = np.array([not banned.intersection(str(p).split()) for p in vocabulary])
    return allowed


def _rerank(
    themes: list[Theme], ranked_of: dict[int, list[str]], embedder: Embedder | None
) -> None:
    """Re-orders each theme's best RERANKED phrases by score x (0.5 + cosine to centroid)."""
    heads = {t.id: ranked_of[t.id][:RERANKED] for t in themes}
    candidates = sorted({phrase for head in heads.values() for phrase in head})
    if not candidates:
        return
    try:
        vectors = unit_rows((embedder or _embed)(candidates))
    except Exception:  # the model is unavailable: keep the c-TF-IDF order
        return
    row = {phrase: i for i, phrase in enumerate(candidates)}
    for theme in themes:
        head = heads[theme.id]
        if len(head) < 2:
            continue
        similarity = vectors[[row[p] for p in head]] @ unit_rows(theme.centroid)[0]
        prior = np.linspace(1.0, 0.5, len(head))  # c-TF-IDF rank, best first
        order = np.argsort(-(prior * (0.5 + similarity)), kind="stable")
        ranked_of[theme.id] = [head[i] for i in order] + ranked_of[theme.id][RERANKED:]


def _embed(phrases: list[str]) -> np.ndarray:
    from earful.insights.text.embedding import embed

    return embed(phrases)


def _tell_apart(themes: list[Theme]) -> None:
    """Two themes with the same label get their next distinct key phrase added to it."""
    taken: dict[str, int] = {}
    for theme in themes:
        taken[theme.label.lower()] = taken.get(theme.label.lower(), 0) + 1
    for theme in themes:
        if taken[theme.label.lower()] < 2:
            continue
        extra = next((p for p in theme.keyphrases if p not in theme.label.lower()), None)
        if extra:
            theme.label = f"{theme.label} ({extra})"


def _ranked_phrases(
    counts: sp.csr_matrix, vocabulary: np.ndarray, inside: np.ndarray, allowed: np.ndarray
) -> list[str]:
    """Phrases by class-based TF-IDF for the rows where `inside`, best first."""
    if counts.shape[1] == 0 or not inside.any():
        return []
    n_in, n_out = int(inside.sum()), int((~inside).sum())
    df_in = np.asarray(counts[inside].sum(axis=0)).ravel()
    df_out = np.asarray(counts[~inside].sum(axis=0)).ravel()
    share_in = df_in / n_in
    share_out = df_out / max(n_out, 1)
    smoothing = 1.0 / (n_in + n_out)
    lift = np.log((share_in + smoothing) / (share_out + smoothing))
    words = np.char.count(vocabulary.astype(str), " ") + 1
    score = share_in * np.maximum(lift, 0) * (1 + LENGTH_BONUS * (words - 1))
    usable = (df_in >= 2) & (score > 0) & allowed
    common = usable & (share_in >= LABEL_COVERAGE)
    order = np.argsort(-score)
    first = [str(vocabulary[i]) for i in order if common[i]]
    rest = [str(vocabulary[i]) for i in order if usable[i] and not common[i]]
    return first + rest


def _distinct(ranked: list[str]) -> list[str]:
    """Drops phrases that repeat a better one (one inside the other, as whole words)."""
    chosen: list[str] = []
    for phrase in ranked:
        padded = f" {phrase} "
        if any(padded in f" {c} " or f" {c} " in padded for c in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == KEYPHRASES:
            break
    return chosen


def _with_label(label: str, phrases: list[str]) -> list[str]:
    """The label first, then the key phrases it does not already say."""
    rest = [p for p in phrases if f" {p} " not in f" {label} "]
    return ([label] if label else []) + rest[: KEYPHRASES - 1]


def _label(keyphrases: list[str], texts: list[str]) -> str:
    """The best key phrase; a single word is widened to the words that join it to the next
    key phrase in the texts themselves ("transfer" + "failed": "transfer failed"), when enough
    texts say it that way."""
    if not keyphrases:
        return ""
    label = keyphrases[0]
    if " " not in label:
        label = next(
            (joined for other in keyphrases[1:4] if (joined := _joined(label, other, texts))),
            label,
        )
    return label[:1].upper() + label[1:]


def _joined(first: str, second: str, texts: list[str]) -> str | None:
    """The most common stretch of at most MAX_JOINED words that holds both phrases, if at
    least LABEL_COVERAGE of the texts (and two) contain it."""
    a, b = first.split(), second.split()
    counts: dict[str, int] = {}
    for text in texts:
        seen = set()
        for clause in CLAUSE.split(text.lower().replace("\u2019", "'")):
            words = WORD.findall(clause)
            for i in _positions(words, a):
                for j in _positions(words, b):
                    start, end = min(i, j), max(i + len(a), j + len(b))
                    apart = i + len(a) <= j or j + len(b) <= i
                    if apart and end - start <= MAX_JOINED and _plain(words[start:end]):
                        seen.add(" ".join(words[start:end]))
        for stretch in seen:
            counts[stretch] = counts.get(stretch, 0) + 1
    if not counts:
        return None
    stretch, count = max(counts.items(), key=lambda item: (item[1], -len(item[0])))
    return stretch if count >= max(2, LABEL_COVERAGE * len(texts)) else None


def _plain(words: list[str]) -> bool:
    """No auxiliary verb inside ("long does it take", "atm and was charged" read badly)."""
    return not AUXILIARIES.intersection(words)


def _positions(words: list[str], phrase: list[str]) -> list[int]:
    size = len(phrase)
    return [i for i in range(len(words) - size + 1) if words[i : i + size] == phrase]


def _examples(
    texts: Sequence[str], vectors: np.ndarray, members: np.ndarray, theme: Theme
) -> list[int]:
    """Up to EXAMPLES members nearest the centroid, no two with the same text."""
    order = members[np.argsort(-(vectors[members] @ theme.centroid))]
    seen: set[str] = set()
    picked = []
    for index in order:
        key = " ".join(texts[index].lower().split())
        if key in seen:
            continue
        seen.add(key)
        picked.append(int(index))
        if len(picked) == EXAMPLES:
            break
    return picked
