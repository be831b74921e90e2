"""import_file: counts, reruns, rejected rows, refusals and failures, chunked progress."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from earful.feedback.models import FeedbackItem
from earful.ingest.models import ImportRejection, ImportRun, Kind
from earful.ingest.services import importing
from earful.ingest.services.connections import create_connection
from earful.ingest.services.importing import ImportRefused, import_file

# ../shared/data beside the checkout (EARFUL_SHARED_DATA elsewhere), as bench/ and training read it.
SHARED = Path(
    os.environ.get("EARFUL_SHARED_DATA")
    or Path(__file__).resolve().parents[3].parent / "shared" / "data"
)
TICKETS = (
    "id,subject,body,created_at,email\n"
    "t-1,Card,My card has not arrived yet,2024-03-01T10:00:00Z,ann@x.test\n"
    "t-2,Refund,Where is my refund?,2024-03-02T11:00:00Z,bo@x.test\n"
    "t-3,Thanks,The agent was lovely and fixed it fast,2024-03-03T12:00:00Z,\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "tickets.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def tickets(organization, path: Path, **kwargs) -> ImportRun:
    return import_file(
        organization=organization, kind="tickets", source_name="csv", path=path, **kwargs
    )


def counts(run: ImportRun) -> tuple[int, int, int, int, int]:
    return run.rows_read, run.new, run.updated, run.unchanged, run.rejected


def test_a_csv_of_tickets_imports_with_the_right_counts(org_a, tmp_path):
    run = tickets(org_a, write(tmp_path, TICKETS))

    assert run.status == ImportRun.Status.DONE
    assert counts(run) == (3, 3, 0, 0, 0)
    assert run.finished_at is not None
    item = FeedbackItem.objects.get(organization=org_a, source_key="csv:t-2")
    assert (item.channel, item.source, item.external_id) == ("ticket", "csv", "t-2")
    assert (item.title, item.text) == ("Refund", "Where is my refund?")
    assert item.received_at == datetime(2024, 3, 2, 11, tzinfo=UTC)
    assert item.analyzed_at is None  # enrichment comes after


def test_a_rerun_of_the_same_file_adds_nothing(org_a, tmp_path):
    path = write(tmp_path, TICKETS)
    tickets(org_a, path)

    again = tickets(org_a, path)

    assert counts(again) == (3, 0, 0, 3, 0)
    assert FeedbackItem.objects.filter(organization=org_a).count() == 3


def test_a_changed_row_is_updated_and_the_others_stay_unchanged(org_a, tmp_path):
    tickets(org_a, write(tmp_path, TICKETS))

    edited = TICKETS.replace("Where is my refund?", "Where is my refund? It has been weeks")
    run = tickets(org_a, write(tmp_path, edited, "edited.csv"))

    assert counts(run) == (3, 0, 1, 2, 0)
    assert FeedbackItem.objects.get(source_key="csv:t-2").text.endswith("It has been weeks")


def test_banking77_imports_as_tickets_and_a_rerun_reports_0_new(org_a):
    """The real file (about 10,000 requests, no id and no date column): ids are a hash of
    the row and the date is the file's modification time, so a rerun matches every row."""
    path = SHARED / "banking77_train.csv"
    if not path.is_file():
        pytest.skip(f"the public data set is not at {path} (set EARFUL_SHARED_DATA)")
    with path.open(encoding="utf-8", newline="") as stream:
        rows = sum(1 for _ in csv.DictReader(stream))

    first = tickets(org_a, path)
    again = tickets(org_a, path)

    assert first.status == again.status == ImportRun.Status.DONE
    assert first.rows_read == again.rows_read == rows > 9000
    assert first.rejected == 0
    assert first.new + first.unchanged == rows  # a repeated row counts once as new
    assert (again.new, again.updated, again.unchanged) == (0, 0, rows)
    assert FeedbackItem.objects.filter(organization=org_a, channel="ticket").count() == first.new
    item = FeedbackItem.objects.filter(organization=org_a).first()
    assert item is not None
    assert item.metadata.get("category")  # the unmapped column is kept


def test_bad_rows_are_listed_with_their_reasons_and_the_good_rows_land(org_a, tmp_path):
    text = (
        TICKETS
        + "t-4,Empty,,2024-03-04T10:00:00Z,\n"  # row 4: no text
        + "t-5,Date,Still broken,yesterday-ish,\n"  # row 5: not a date
        + "t-6,Mail,App crashes on login,2024-03-06T10:00:00Z,not-an-email\n"  # row 6
        + "t-7,Fine,All good now,2024-03-07T10:00:00Z,\n"
    )

    run = tickets(org_a, write(tmp_path, text))

    assert run.status == ImportRun.Status.DONE
    assert counts(run) == (7, 4, 0, 0, 3)
    rejected = list(
        ImportRejection.objects.filter(run=run).values_list("row_number", "external_id", "field")
    )
    assert rejected == [
        (4, "t-4", "text"),
        (5, "t-5", "received_at"),
        (6, "t-6", "customer_email"),
    ]
    reasons = {r.row_number: r.reason for r in ImportRejection.objects.filter(run=run)}
    assert "yesterday-ish" in reasons[5]
    assert "not a date" in reasons[5]
    landed = FeedbackItem.objects.filter(organization=org_a).values_list("external_id", flat=True)
    assert sorted(landed) == ["t-1", "t-2", "t-3", "t-7"]


def test_a_file_without_a_text_column_fails_with_a_clear_error_and_writes_nothing(org_a, tmp_path):
    path = write(tmp_path, "id,created_at\nt-1,2024-03-01\nt-2,2024-03-02\n")

    run = tickets(org_a, path)

    assert run.status == ImportRun.Status.FAILED
    assert "no column 'text'" in run.error
    assert "text=" in run.error  # says how to map it
    assert not FeedbackItem.objects.exists()
    assert not ImportRejection.objects.exists()


def test_a_mapped_column_that_is_not_in_the_file_fails_naming_it(org_a, tmp_path):
    run = tickets(org_a, write(tmp_path, TICKETS), columns={"text": "message", "external_id": "id"})

    assert run.status == ImportRun.Status.FAILED
    assert "column 'message' (mapped to text) is not in the file" in run.error
    assert "id, subject, body, created_at, email" in run.error
    assert not FeedbackItem.objects.exists()


def test_a_column_mapping_reads_other_headers(org_a, tmp_path):
    path = write(tmp_path, "ref;note;when\nA1;Slow delivery;05.03.2024\n")

    run = tickets(
        org_a, path, columns={"external_id": "ref", "text": "note", "received_at": "when"}
    )

    assert counts(run) == (1, 1, 0, 0, 0)
    item = FeedbackItem.objects.get(source_key="csv:A1")
    assert (item.text, item.received_at.date().isoformat()) == ("Slow delivery", "2024-03-05")


def test_the_connection_s_saved_mapping_is_used_when_none_is_given(org_a, tmp_path):
    create_connection(
        organization=org_a,
        source_name="csv",
        kind="tickets",
        column_mapping={"external_id": "ref", "text": "note", "received_at": "when"},
    )

    run = tickets(org_a, write(tmp_path, "ref,note,when\nA1,Slow delivery,2024-03-05\n"))

    assert counts(run) == (1, 1, 0, 0, 0)


def test_reviews_keep_their_stars(org_a, tmp_path):
    path = write(
        tmp_path,
        "review_id,stars,review,date\nr1,2,Cold food and a long wait,2024-04-01\n",
        "reviews.csv",
    )

    run = import_file(organization=org_a, kind="reviews", source_name="csv", path=path)

    assert counts(run) == (1, 1, 0, 0, 0)
    item = FeedbackItem.objects.get(source_key="csv:r1")
    assert (item.channel, item.score, item.score_scale) == ("review", 2, "1-5")


def test_the_same_id_twice_in_a_file_counts_every_row(org_a, tmp_path):
    text = TICKETS + "t-1,Card,My card has not arrived yet,2024-03-01T10:00:00Z,ann@x.test\n"

    run = tickets(org_a, write(tmp_path, text))

    assert counts(run) == (4, 3, 0, 1, 0)


def test_progress_is_saved_after_every_chunk_of_1000_rows(org_a, tmp_path):
    lines = ["id,text,date"] + [f"n{i},Request number {i},2024-05-01" for i in range(2500)]
    seen: list[tuple[int, int]] = []

    def progress(run: ImportRun) -> None:
        stored = ImportRun.objects.get(pk=run.pk)  # what a page polling the run reads
        seen.append((stored.rows_read, stored.new))

    run = tickets(org_a, write(tmp_path, "\n".join(lines) + "\n"), progress=progress)

    assert seen == [(1000, 1000), (2000, 2000), (2500, 2500)]
    assert run.status == ImportRun.Status.DONE


def test_rejected_rows_past_the_first_1000_are_counted_not_kept(org_a, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "KEPT_REJECTIONS", 5)
    lines = ["id,text,date"] + [f"n{i},,2024-05-01" for i in range(8)] + ["ok,Fine,2024-05-01"]

    run = tickets(org_a, write(tmp_path, "\n".join(lines) + "\n"))

    assert counts(run) == (9, 1, 0, 0, 8)
    assert ImportRejection.objects.filter(run=run).count() == 5


def test_an_unknown_source_is_refused_before_anything_is_written(org_a, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        import_file(
            organization=org_a, kind="tickets", source_name="nope", path=write(tmp_path, TICKETS)
        )

    assert refused.value.field == "source"
    assert "no source named 'nope'" in refused.value.message
    assert "csv" in refused.value.message  # lists the known ones
    assert not ImportRun.objects.exists()


def test_a_zendesk_file_imported_as_reviews_is_refused(org_a, tmp_path):
    with pytest.raises(ImportRefused, match="Zendesk tickets brings tickets, not reviews"):
        import_file(
            organization=org_a,
            kind=Kind.REVIEWS,
            source_name="zendesk",
            path=write(tmp_path, "[]", "tickets.json"),
        )

    assert not ImportRun.objects.exists()


def test_a_missing_file_is_refused(org_a, tmp_path):
    with pytest.raises(ImportRefused, match=r"file: .*nope\.csv does not exist"):
        tickets(org_a, tmp_path / "nope.csv")

    assert not ImportRun.objects.exists()


def test_a_folder_is_refused_as_a_file(org_a, tmp_path):
    with pytest.raises(ImportRefused, match="is not a file"):
        tickets(org_a, tmp_path)


def test_an_unknown_field_in_the_mapping_is_refused(org_a, tmp_path):
    with pytest.raises(ImportRefused, match="'body' is not a field"):
        tickets(org_a, write(tmp_path, TICKETS), columns={"body": "text"})


def test_a_file_that_is_not_utf8_fails_with_the_row_it_stopped_at(org_a, tmp_path):
    path = write(
        tmp_path, TICKETS.encode() + "t-4,Zoë,Caf\xe9 was cold,2024-03-04,\n".encode("latin-1")
    )

    run = tickets(org_a, path)

    assert run.status == ImportRun.Status.FAILED
    assert "cannot be read as CSV file" in run.error
    assert run.finished_at is not None


def test_a_file_with_only_a_header_is_done_with_nothing_imported(org_a, tmp_path):
    run = tickets(org_a, write(tmp_path, "id,text,date\n"))

    assert run.status == ImportRun.Status.DONE
    assert counts(run) == (0, 0, 0, 0, 0)


def test_a_json_lines_file_imports_through_the_json_source(org_a, tmp_path):
    lines = (
        '{"id": 1, "text": "Love the new dashboard", "created_at": "2024-03-05T10:00:00Z"}\n'
        '{"id": 2, "text": "", "created_at": "2024-03-05T11:00:00Z"}\n'
    )
    path = write(tmp_path, lines, "reviews.jsonl")

    run = import_file(organization=org_a, kind="reviews", source_name="json", path=path)

    assert counts(run) == (2, 1, 0, 0, 1)
    assert ImportRejection.objects.get(run=run).external_id == "2"


def test_a_zendesk_export_imports_as_tickets(org_a, tmp_path):
    lines = (
        '{"id": 1, "created_at": "2024-02-01T08:00:00Z", "subject": "Login",'
        ' "description": "I cannot log in", "status": "solved"}\n'
    )
    path = write(tmp_path, lines, "tickets.jsonl")

    run = import_file(organization=org_a, kind="tickets", source_name="zendesk", path=path)

    assert counts(run) == (1, 1, 0, 0, 0)
    item = FeedbackItem.objects.get(source_key="zendesk:1")
    assert (item.channel, item.title) == ("ticket", "Login")


def start_upload(organization, text: str) -> ImportRun:
    return importing.start_upload_import(
        organization=organization,
        kind="tickets",
        source_name="csv",
        upload=SimpleUploadedFile("tickets.csv", text.encode(), "text/csv"),
    )


def test_the_upload_task_run_twice_imports_once(org_a, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    run = start_upload(org_a, TICKETS)

    first = importing.run_uploaded_import(run_id=run.pk)
    again = importing.run_uploaded_import(run_id=run.pk)

    assert first is not None
    assert again is not None
    assert counts(first) == counts(again) == (3, 3, 0, 0, 0)
    assert not importing.upload_folder(run).exists()


def test_an_interrupted_upload_starts_again_from_the_top(org_a, settings, tmp_path):
    """A worker that died half-way left counts behind: the task starts over, and the rows
    the first attempt wrote count as unchanged."""
    settings.DATA_DIR = tmp_path
    run = start_upload(org_a, TICKETS)
    tickets(org_a, write(tmp_path, TICKETS, "part.csv"))  # what the first attempt wrote
    ImportRun.objects.filter(pk=run.pk).update(rows_read=2000, new=3)

    finished = importing.run_uploaded_import(run_id=run.pk)

    assert finished is not None
    assert finished.status == ImportRun.Status.DONE
    assert counts(finished) == (3, 0, 0, 3, 0)
