"""How texts are read before any model: cleaning, language, and the embedding runtimes."""

from __future__ import annotations

import numpy as np
import pytest

from earful.insights.text.cleaning import READ_CHARS, readable
from earful.insights.text.language import language_of
from earful.insights.text.pipeline import enrich_texts


def test_handles_links_addresses_and_signatures_are_not_read():
    text = (
        "@united my bag never arrived, see https://t.co/abc or mail me at jo@example.com\n"
        "--\nJo Smith\nSent from my iPhone"
    )
    assert readable(text) == "my bag never arrived, see or mail me at"


def test_a_hashtag_keeps_its_word_and_a_text_that_is_only_a_handle_stays():
    assert readable("RT @a: so #delayed again &amp; again") == "so delayed again & again"
    assert readable("@united") == "@united"


def test_a_very_long_text_is_cut_before_it_is_read():
    assert len(readable("but it is fine " * 10_000)) <= READ_CHARS


def test_languages_are_detected_and_short_texts_stay_unknown():
    assert language_of("Die Lieferung kam zu spät und niemand hat geantwortet") == "de"
    assert language_of("Delivery was late and support never answered") == "en"
    assert language_of("ok") == ""


def test_a_complaint_reads_negative_and_another_language_gets_no_english_guess():
    late, german = enrich_texts(
        [
            "Delivery was late and support never answered",
            "Die Lieferung kam zu spät und niemand hat geantwortet, ganz schlecht",
        ],
        [4, 5],
        [(1, 5), (1, 5)],
    )
    assert late.sentiment == "negative"
    assert late.language == "en"
    assert (german.language, german.sentiment, german.sentiment_score) == ("de", "neutral", 0.0)
    assert not german.hesitant


def test_the_onnx_model_gives_the_pytorch_vectors(tmp_path):
    pytest.importorskip("onnxruntime")
    from earful.insights.text import embedding

    path = embedding.export_path()
    if not path.exists():
        path = embedding.export_onnx(tmp_path / embedding.EXPORT_NAME)
    texts = ["Delivery was late", "I love the fabric but it runs small. " * 20, "ok"]
    onnx = embedding.OnnxEncoder(path, threads=0).encode(texts)
    torch = embedding.TorchEncoder(threads=0).encode(texts)
    assert np.abs(onnx - torch).max() < 1e-4
