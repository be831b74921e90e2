"""/api/v1/sources and /api/v1/imports."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_recorded
from earful.ingest.models import ImportRun, SourceConnection
from earful.ingest.services.connections import create_connection
from earful.ingest.services.importing import upload_folder

TICKETS = (
    "id,subject,body,created_at\n"
    "t-1,Card,My card has not arrived yet,2024-03-01T10:00:00Z\n"
    "t-2,Refund,Where is my refund?,2024-03-02T11:00:00Z\n"
    "t-3,Empty,,2024-03-03T12:00:00Z\n"
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path, monkeypatch):
    """Uploads go to a temporary DATA_DIR; enrichment is not needed here (no text model)."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(feedback_recorded, "receivers", [])


def post_json(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def upload(persona, text: str = TICKETS, name: str = "tickets.csv", **fields: str):
    data = {"kind": "tickets", "source": "csv", **fields}
    data["file"] = SimpleUploadedFile(name, text.encode(), "text/csv")  # type: ignore[assignment]
    return persona.api.post("/api/v1/imports", data)


def test_sources_lists_what_earful_reads_and_the_organization_s_connections(alice, charlie):
    create_connection(organization=alice.organization, source_name="zendesk")
    create_connection(organization=charlie.organization, source_name="csv", kind="reviews")

    body = alice.api.get("/api/v1/sources").json()

    available = {s["name"]: s for s in body["available"]}
    assert available["csv"]["needs_columns"] is True
    assert available["zendesk"] == {
        "name": "zendesk",
        "label": "Zendesk tickets",
        "kind": "tickets",
        "needs_columns": False,
    }
    assert [c["source"] for c in body["connections"]] == ["zendesk"]
    assert "webhook_secret" not in body["connections"][0]


def test_connecting_a_source_answers_its_secret_once(alice):
    created = post_json(
        alice.api,
        "/api/v1/sources",
        {"source": "csv", "kind": "reviews", "column_mapping": {"text": "body"}},
    )

    assert created.status_code == 201
    body = created.json()
    connection = SourceConnection.objects.get(pk=body["id"])
    assert body["webhook_secret"] == connection.webhook_secret
    assert len(body["webhook_secret"]) >= 40
    assert body["webhook_url"].endswith(f"/hooks/csv/{connection.pk}/")
    assert (body["kind"], body["column_mapping"]) == ("reviews", {"text": "body"})
    again = alice.api.get(f"/api/v1/sources/{connection.pk}")
    assert again.status_code == 200
    assert "webhook_secret" not in again.json()
    assert again.json()["webhook_url"] == body["webhook_url"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"source": "nope"}, "source", "no source named 'nope'"),
        ({"source": "csv"}, "kind", "CSV file brings any kind: choose one"),
        ({"source": "zendesk", "kind": "reviews"}, "source", "brings tickets, not reviews"),
        ({"source": "zendesk", "column_mapping": {"text": "x"}}, "columns", "fixed shape"),
        ({"source": "csv", "kind": "posts", "column_mapping": {"body": "x"}}, "columns", "'body'"),
    ],
)
def test_a_bad_connection_is_refused_naming_the_field(alice, body, field, message):
    response = post_json(alice.api, "/api/v1/sources", body)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert message in error["message"]
    assert not SourceConnection.objects.exists()


def test_a_source_connects_once(alice):
    assert post_json(alice.api, "/api/v1/sources", {"source": "zendesk"}).status_code == 201

    again = post_json(alice.api, "/api/v1/sources", {"source": "zendesk"})

    assert again.status_code == 422
    assert again.json()["detail"][0]["message"] == "Zendesk tickets is already connected"


def test_charlie_gets_404_for_alice_s_connection(alice, charlie):
    connection = create_connection(organization=alice.organization, source_name="zendesk")

    response = charlie.api.get(f"/api/v1/sources/{connection.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": "id", "message": "not found"}]}


def test_an_uploaded_file_is_imported_in_the_background(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = upload(alice)

    assert accepted.status_code == 202
    body = accepted.json()
    assert body["url"] == f"/api/v1/imports/{body['id']}"
    run = alice.api.get(body["url"]).json()
    assert run["status"] == "done"
    assert (run["rows_read"], run["new"], run["updated"], run["unchanged"]) == (3, 2, 0, 0)
    assert run["rejected"] == run["rejections_listed"] == 1
    assert run["rejections"] == [
        {"row_number": 3, "external_id": "t-3", "field": "text", "reason": "empty"}
    ]
    assert FeedbackItem.objects.filter(organization=alice.organization).count() == 2
    assert not upload_folder(ImportRun.objects.get()).exists()  # the upload is deleted


def test_the_same_upload_again_adds_nothing(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(alice)
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(alice).json()

    run = alice.api.get(second["url"]).json()
    assert (run["new"], run["updated"], run["unchanged"]) == (0, 0, 2)


def test_columns_map_the_upload_s_headers(alice, django_capture_on_commit_callbacks):
    text = "ref,note,when\nA1,Slow delivery,2024-03-05\n"
    columns = json.dumps({"external_id": "ref", "text": "note", "received_at": "when"})

    with django_capture_on_commit_callbacks(execute=True):
        body = upload(alice, text, columns=columns).json()

    assert alice.api.get(body["url"]).json()["new"] == 1
    assert FeedbackItem.objects.get().source_key == "csv:A1"


def test_an_upload_without_the_text_column_is_reported_failed(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = upload(alice, "id,created_at\nt-1,2024-03-01\n").json()

    run = alice.api.get(body["url"]).json()
    assert run["status"] == "failed"
    assert "no column 'text'" in run["error"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"source": "nope"}, "source", "no source named 'nope'"),
        ({"kind": "ideas"}, "kind", "'ideas' is not one of tickets, reviews, posts"),
        ({"source": "zendesk", "kind": "posts"}, "source", "brings tickets, not posts"),
        ({"columns": "text=body"}, "columns", "not JSON"),
        ({"columns": '["text"]'}, "columns", "expected a JSON object"),
        ({"columns": '{"words": "body"}'}, "columns", "'words' is not a field"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_field_and_nothing_is_written(
    alice, fields, field, message
):
    response = upload(alice, **fields)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert message in error["message"]
    assert not ImportRun.objects.exists()


def test_an_upload_without_a_file_is_refused(alice):
    response = alice.api.post("/api/v1/imports", {"kind": "tickets", "source": "csv"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"].startswith("file")  # "file.file"


def test_the_list_shows_the_organization_s_recent_imports(
    alice, charlie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = upload(alice).json()
        upload(charlie)

    items = alice.api.get("/api/v1/imports").json()["items"]

    assert [item["id"] for item in items] == [mine["id"]]
    assert items[0]["filename"] == "tickets.csv"


def test_rejections_are_paged(alice, django_capture_on_commit_callbacks):
    rows = "".join(f"x{i},Empty,,2024-03-03\n" for i in range(5))
    with django_capture_on_commit_callbacks(execute=True):
        body = upload(alice, TICKETS + rows).json()

    page = alice.api.get(f"{body['url']}?rejections_limit=2&rejections_offset=2").json()

    assert [r["row_number"] for r in page["rejections"]] == [5, 6]
    assert page["rejected"] == 6


def test_charlie_gets_404_for_alice_s_import(alice, charlie, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = upload(alice).json()

    assert charlie.api.get(body["url"]).status_code == 404


def test_a_viewer_may_not_import_or_connect(persona_with_role):
    viewer = persona_with_role("viewer")

    assert upload(viewer).status_code == 403
    assert viewer.api.get("/api/v1/imports").status_code == 403
    assert viewer.api.get("/api/v1/sources").status_code == 403
    assert post_json(viewer.api, "/api/v1/sources", {"source": "zendesk"}).status_code == 403
    assert not ImportRun.objects.exists()
