"""`earful import tickets|reviews|posts FILE --source NAME --org SLUG`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from earful.cli import _command_name
from earful.feedback.models import FeedbackItem
from earful.ingest.models import ImportRun

TICKETS = (
    "id,subject,body,created_at\n"
    "t-1,Card,My card has not arrived yet,2024-03-01T10:00:00Z\n"
    "t-2,Refund,Where is my refund?,2024-03-02T11:00:00Z\n"
    "t-3,Empty,,2024-03-03T12:00:00Z\n"
)


def write(tmp_path: Path, text: str, name: str = "tickets.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(command: str, path: Path | str, *options: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_earful_command_maps_import_tickets_to_import_tickets():
    assert _command_name(["import", "tickets", "f.csv"]) == ["import_tickets", "f.csv"]
    assert _command_name(["import", "posts", "f.csv"]) == ["import_posts", "f.csv"]


def test_it_prints_the_counts_and_the_rejected_rows_and_a_rerun_adds_nothing(org_a, tmp_path):
    path = write(tmp_path, TICKETS)
    options = ("--source", "csv", "--org", org_a.slug)

    first, first_err = run_import("import_tickets", path, *options)
    again, _ = run_import("import_tickets", path, *options)

    assert "new 2, updated 0, unchanged 0, rejected 1" in first
    assert "row 3 (t-3): text: empty" in first_err
    assert "new 0, updated 0, unchanged 2, rejected 1" in again
    assert FeedbackItem.objects.filter(organization=org_a, channel="ticket").count() == 2


def test_reviews_and_posts_land_in_their_channels(org_a, tmp_path):
    reviews = write(tmp_path, "id,stars,text,date\nr1,5,Lovely,2024-01-01\n", "reviews.csv")
    posts = write(
        tmp_path, "id,text,date,likes,reach\np1,Awful app,2024-01-01,40,9000\n", "posts.csv"
    )

    run_import("import_reviews", reviews, "--source", "csv", "--org", org_a.slug)
    run_import("import_posts", posts, "--source", "csv", "--org", org_a.slug)

    channels = dict(FeedbackItem.objects.values_list("external_id", "channel"))
    assert channels == {"r1": "review", "p1": "social"}
    assert FeedbackItem.objects.get(external_id="r1").score == 5


def test_columns_map_the_file_s_headers(org_a, tmp_path):
    path = write(tmp_path, "ref,note,when\nA1,Slow delivery,2024-03-05\n")

    out, _ = run_import(
        "import_tickets",
        path,
        *("--source", "csv", "--org", org_a.slug),
        *("--columns", "external_id=ref,text=note,received_at=when"),
    )

    assert "new 1, updated 0, unchanged 0, rejected 0" in out
    assert FeedbackItem.objects.get().source_key == "csv:A1"


def test_a_columns_file_maps_the_headers(org_a, tmp_path):
    path = write(tmp_path, "ref,note,when\nA1,Slow delivery,2024-03-05\n")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"external_id": "ref", "text": "note", "received_at": "when"}))

    out, _ = run_import(
        "import_tickets",
        path,
        *("--source", "csv", "--org", org_a.slug, "--columns-file", str(mapping)),
    )

    assert "new 1" in out


def test_a_bad_columns_option_is_a_clear_error(org_a, tmp_path):
    with pytest.raises(CommandError, match="--columns: 'text' is not our_field=their_column"):
        run_import(
            "import_tickets",
            write(tmp_path, TICKETS),
            *("--source", "csv", "--org", org_a.slug, "--columns", "text"),
        )


def test_an_unknown_organization_is_a_clear_error(org_a, tmp_path):
    with pytest.raises(CommandError, match="--org: no organization with slug 'org-z'"):
        run_import("import_tickets", write(tmp_path, TICKETS), "--source", "csv", "--org", "org-z")


def test_an_unknown_source_is_a_clear_error(org_a, tmp_path):
    with pytest.raises(CommandError, match="--source: no source named 'zendeks'"):
        run_import(
            "import_tickets", write(tmp_path, TICKETS), "--source", "zendeks", "--org", org_a.slug
        )

    assert not ImportRun.objects.exists()


def test_a_missing_file_is_a_clear_error(org_a, tmp_path):
    with pytest.raises(CommandError, match=r"--file: .*nope\.csv does not exist"):
        run_import("import_tickets", tmp_path / "nope.csv", "--source", "csv", "--org", org_a.slug)


def test_a_failed_import_says_why(org_a, tmp_path):
    path = write(tmp_path, "id,created_at\nt-1,2024-03-01\n")

    with pytest.raises(CommandError, match="failed: the file has no column 'text'"):
        run_import("import_tickets", path, "--source", "csv", "--org", org_a.slug)


def test_earful_import_tickets_prints_one_line_not_a_traceback(org_a, tmp_path, capsys):
    missing = str(tmp_path / "nope.csv")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(
            ["earful", "import_tickets", missing, "--source", "csv", "--org", org_a.slug]
        )

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "does not exist" in err
    assert "Traceback" not in err
