"""/ingest/: upload a file, follow its progress, connect sources."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_recorded
from earful.ingest.models import ImportRun, SourceConnection
from earful.ingest.services.connections import create_connection
from earful.ingest.services.importing import run_uploaded_import

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


def upload(persona, text: str = TICKETS, **fields: str):
    data = {"kind": "tickets", "source": "csv", "columns": "", **fields}
    data["file"] = SimpleUploadedFile("tickets.csv", text.encode(), "text/csv")  # type: ignore[assignment]
    return persona.client.post("/ingest/imports/", data)


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_imports_page_offers_the_upload_form(alice):
    page = alice.client.get("/ingest/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<option value="csv">CSV file</option>' in html
    assert "No imports yet." in html


def test_an_upload_runs_in_the_background_and_its_page_shows_the_counts_and_rejections(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        posted = upload(alice)

    run = ImportRun.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == f"/ingest/imports/{run.pk}/"
    text = plain(alice.client.get(posted["Location"]).content.decode())
    assert "Done. 3 rows read" in text
    assert "2 new 0 updated 0 unchanged 1 rejected" in text
    assert "3 t-3 text empty" in text  # row, id, field, reason
    assert FeedbackItem.objects.filter(organization=alice.organization).count() == 2
    assert run.created_by == alice.member


def test_the_progress_box_polls_until_the_import_is_done(alice):
    upload(alice)  # the task is enqueued on commit: here, not run yet
    run = ImportRun.objects.get()
    progress_url = f"/ingest/imports/{run.pk}/progress/"

    running = alice.client.get(f"/ingest/imports/{run.pk}/").content.decode()
    assert f'hx-get="{progress_url}"' in running
    assert 'hx-trigger="every 2s"' in running
    assert "Importing…" in running

    run_uploaded_import(run_id=run.pk)  # what the task does
    done = alice.client.get(progress_url).content.decode()

    assert "hx-trigger" not in done  # polling stops
    assert "2 new 0 updated 0 unchanged 1 rejected" in plain(done)


def test_the_imports_page_lists_recent_imports(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(alice)

    text = plain(alice.client.get("/ingest/").content.decode())

    assert "tickets.csv csv Support tickets Done 2 0 0 1" in text


def test_a_bad_column_mapping_is_shown_on_the_form(alice):
    response = upload(alice, columns="words=body")

    assert response.status_code == 422
    assert "&#x27;words&#x27; is not a field" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_zendesk_upload_as_reviews_is_refused_on_the_form(alice):
    response = upload(alice, source="zendesk", kind="reviews")

    assert response.status_code == 422
    assert "Zendesk tickets brings tickets, not reviews" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_connecting_a_source_shows_its_webhook_address_and_secret_once(alice):
    response = alice.client.post("/ingest/sources/", {"source": "zendesk", "kind": ""})

    assert response.status_code == 200
    connection = SourceConnection.objects.get(organization=alice.organization)
    html = response.content.decode()
    assert connection.webhook_secret in html
    assert f"/hooks/zendesk/{connection.pk}/" in html
    later = alice.client.get("/ingest/sources/").content.decode()
    assert connection.webhook_secret not in later
    assert f"/hooks/zendesk/{connection.pk}/" in later


def test_a_bad_connection_is_shown_on_the_form(alice):
    response = alice.client.post("/ingest/sources/", {"source": "csv", "kind": ""})

    assert response.status_code == 422
    assert "CSV file brings any kind: choose one" in response.content.decode()
    assert not SourceConnection.objects.exists()


@pytest.mark.parametrize("path", ["/ingest/imports/{id}/", "/ingest/imports/{id}/progress/"])
def test_charlie_gets_404_for_alice_s_import(alice, charlie, path):
    upload(alice)
    run = ImportRun.objects.get()

    assert charlie.client.get(path.format(id=run.pk)).status_code == 404


def test_charlie_does_not_see_alice_s_imports_or_connections(alice, charlie):
    upload(alice)
    create_connection(organization=alice.organization, source_name="zendesk")

    index = charlie.client.get("/ingest/").content.decode()
    sources = charlie.client.get("/ingest/sources/").content.decode()

    assert "No imports yet." in index
    assert "No source connected yet." in sources


@pytest.mark.parametrize("role", ["viewer", "agent"])
def test_members_who_may_not_manage_data_get_403(persona_with_role, role):
    member = persona_with_role(role)

    assert member.client.get("/ingest/").status_code == 403
    assert member.client.get("/ingest/sources/").status_code == 403
    assert member.client.post("/ingest/sources/", {"source": "zendesk"}).status_code == 403
    assert upload(member).status_code == 403
    assert not ImportRun.objects.exists()
    assert not SourceConnection.objects.exists()


def test_an_analyst_may_import(bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(bob).status_code == 302


def test_the_imports_page_does_not_query_per_import(alice):
    def queries() -> int:
        alice.client.get("/ingest/")
        with CaptureQueriesContext(connection) as captured:
            assert alice.client.get("/ingest/").status_code == 200
        return len(captured.captured_queries)

    upload(alice)
    create_connection(organization=alice.organization, source_name="zendesk")
    with_one = queries()
    for _ in range(5):
        upload(alice)
    create_connection(organization=alice.organization, source_name="csv", kind="posts")

    assert queries() <= with_one
