"""`earful analyze`: one output row per input row, per-row statuses, clear errors, no traceback.

The texts are real: the first rows of fixtures/reviews.csv (clothing reviews, CC0).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from earful.insights.text.analysis import COLUMNS

FIXTURE = Path(__file__).parent / "fixtures" / "reviews.csv"
ROOT = Path(__file__).resolve().parents[3]


def reviews(count: int) -> list[dict[str, str]]:
    with FIXTURE.open(newline="") as stream:
        return list(csv.DictReader(stream))[:count]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture
def source(tmp_path) -> Path:
    rows = [[f"r{i}", row["rating"], row["text"]] for i, row in enumerate(reviews(40))]
    rows[3][2] = "   "  # a blank comment
    rows[5][1] = "five"  # a score that is not a number
    return write_csv(tmp_path / "in.csv", ["ref", "stars", "comment"], rows)


def analyze(*args: object) -> None:
    call_command("analyze", *[str(arg) for arg in args], verbosity=0)


def test_it_writes_one_row_per_input_row_with_the_promised_columns(source, tmp_path):
    out = tmp_path / "out.csv"
    analyze(
        source,
        "--text-column",
        "comment",
        "--id-column",
        "ref",
        "--score-column",
        "stars",
        "--out",
        out,
    )
    rows = read_csv(out)
    assert tuple(rows[0]) == COLUMNS
    assert [row["id"] for row in rows] == [f"r{i}" for i in range(40)]
    analysed = [row for row in rows if row["status"] in {"ok", "bad_score"}]
    assert len(analysed) == 39
    assert {row["sentiment"] for row in analysed} <= {"negative", "neutral", "positive"}
    assert all(-1 <= float(row["sentiment_score"]) <= 1 for row in analysed)
    assert all(row["hesitant"] in {"true", "false"} for row in analysed)
    assert all(row["theme_id"] != "" for row in analysed)
    hesitant = [row for row in analysed if row["hesitant"] == "true"]
    assert all(":" in row["hesitancy_reason"] for row in hesitant)


def test_blank_texts_and_bad_scores_get_a_status_not_an_error(source, tmp_path):
    out = tmp_path / "out.csv"
    analyze(source, "--text-column", "comment", "--score-column", "stars", "--out", out)
    rows = read_csv(out)
    assert rows[3]["status"] == "empty_text"
    assert rows[3]["sentiment"] == rows[3]["theme_id"] == ""
    assert rows[5]["status"] == "bad_score"
    assert rows[5]["sentiment"] in {"negative", "neutral", "positive"}
    assert rows[0]["id"] == "1"  # no --id-column: the row number


def test_a_missing_column_names_the_columns_the_file_has(source, tmp_path):
    with pytest.raises(CommandError, match=r"'text'.*no such column.*'ref', 'stars', 'comment'"):
        analyze(source, "--text-column", "text", "--out", tmp_path / "out.csv")
    with pytest.raises(CommandError, match="--score-column 'score'"):
        analyze(
            source,
            "--text-column",
            "comment",
            "--score-column",
            "score",
            "--out",
            tmp_path / "o.csv",
        )


def test_unreadable_files_get_a_clear_error(tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="no such file"):
        analyze(tmp_path / "missing.csv", "--text-column", "t", "--out", out)
    with pytest.raises(CommandError, match="is a folder"):
        analyze(tmp_path, "--text-column", "t", "--out", out)
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(CommandError, match="empty"):
        analyze(tmp_path / "empty.csv", "--text-column", "t", "--out", out)
    (tmp_path / "latin.csv").write_bytes("t\nCaf\xe9 cr\xe8me, tr\xe8s bien\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"not utf-8-sig text.*--encoding"):
        analyze(tmp_path / "latin.csv", "--text-column", "t", "--out", out)


def test_another_encoding_can_be_named(tmp_path):
    (tmp_path / "latin.csv").write_bytes("t\nService tr\xe8s lent, d\xe9\xe7u\n".encode("latin-1"))
    analyze(
        tmp_path / "latin.csv",
        "--text-column",
        "t",
        "--encoding",
        "latin-1",
        "--out",
        tmp_path / "o.csv",
    )
    assert read_csv(tmp_path / "o.csv")[0]["status"] == "ok"


def test_a_bad_scale_or_output_path_stops_before_any_work(source, tmp_path):
    with pytest.raises(CommandError, match="--score-scale 10-0"):
        analyze(
            source,
            "--text-column",
            "comment",
            "--score-column",
            "stars",
            "--score-scale",
            "10-0",
            "--out",
            tmp_path / "o.csv",
        )
    with pytest.raises(CommandError, match=r"--out .*cannot write"):
        analyze(source, "--text-column", "comment", "--out", tmp_path / "no" / "such" / "o.csv")


def test_a_file_with_only_a_header_gives_only_a_header(tmp_path):
    source = write_csv(tmp_path / "in.csv", ["text"], [])
    analyze(source, "--text-column", "text", "--out", tmp_path / "o.csv")
    assert (tmp_path / "o.csv").read_text().strip() == ",".join(COLUMNS)


def test_the_earful_command_reports_bad_input_without_a_traceback(tmp_path):
    earful = Path(sys.executable).with_name("earful")
    result = subprocess.run(
        [
            earful,
            "analyze",
            tmp_path / "missing.csv",
            "--text-column",
            "t",
            "--out",
            tmp_path / "o.csv",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode != 0
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr
