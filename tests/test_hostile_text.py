"""Hostile texts at every door (issue 14, item 1): a lone surrogate or a NUL is refused where it
enters, naming the field, and nothing any member reads breaks afterwards. Runs on SQLite and,
with EARFUL_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from earful.core.repair import repair_text_columns
from earful.core.text import TextInvalid, clean_json, clean_text, repair_text
from earful.customers.models import Customer
from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_recorded
from earful.ingest.models import ImportRejection, WebhookReceipt
from earful.ingest.services.connections import create_connection, webhook_path
from earful.ingest.services.webhooks import sign_webhook
from earful.surveys.models import Response, Survey
from earful.surveys.tests.factories import make_survey

HOSTILE = ["\ud800", "a\u0000b", "\udfff tail", "ok \ud83d", "\x00"]


@pytest.fixture(autouse=True)
def _no_enrichment(monkeypatch, settings, tmp_path):
    """The items' enrichment needs the text model: not run here. Uploads go to a temp dir."""
    monkeypatch.setattr(feedback_recorded, "receivers", [])
    settings.DATA_DIR = tmp_path


def _json(client: Client, method: str, url: str, body: object):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _refused(answer, field: str) -> None:
    assert answer.status_code == 422, answer.content
    fields = [error["field"] for error in answer.json()["detail"]]
    assert field in fields


def _everything_still_reads(persona, survey: Survey) -> None:
    for url in (
        "/api/v1/items",
        "/api/v1/feedback",
        "/inbox/",
        f"/surveys/{survey.pk}/dashboard/",
        "/insights/comments/",
    ):
        client = persona.api if url.startswith("/api/") else persona.client
        assert client.get(url).status_code == 200, url


def test_clean_text_refuses_nuls_and_lone_surrogates_naming_the_field():
    for value in HOSTILE:
        with pytest.raises(TextInvalid) as refused:
            clean_text(value, field="comment")
        assert refused.value.field == "comment"
    assert clean_text("cafe\u0301", field="x") == "caf\u00e9"  # NFC
    assert clean_text("\U0001f600 fine", field="x") == "\U0001f600 fine"  # a real pair


def test_clean_json_names_the_path_of_the_bad_text():
    with pytest.raises(TextInvalid) as refused:
        clean_json({"answers": {"nps_comment": "\ud800"}})
    assert refused.value.field == "answers.nps_comment"
    with pytest.raises(TextInvalid) as refused:
        clean_json({"items": [{"x": 1}, {"a\x00": 2}]})
    assert refused.value.field == "items.1.a\x00"


def test_repair_text_keeps_what_it_can():
    assert repair_text("a\x00b\ud800c") == "ab\ufffdc"


@pytest.mark.parametrize("value", HOSTILE)
def test_a_public_answer_with_a_hostile_comment_is_refused_and_nothing_breaks(alice, value):
    survey = make_survey(alice.organization)
    url = f"/api/v1/public/surveys/{survey.public_id}/responses"
    _refused(
        _json(Client(), "post", url, {"answers": {"nps": 3, "nps_comment": value}}),
        "answers.nps_comment",
    )
    _refused(_json(Client(), "post", url, {"answers": {"nps": 3}, "customer": value}), "customer")
    stored = _json(Client(), "post", url, {"answers": {"nps": 3}, "finished": False})
    patch = f"{url}/{stored.json()['id']}"
    _refused(_json(Client(), "patch", patch, {"answers": {"plan": value}}), "answers.plan")
    assert Response.objects.count() == 1
    _everything_still_reads(alice, survey)


def test_the_public_form_refuses_a_nul_with_a_clear_message(alice):
    survey = make_survey(alice.organization)
    page = Client().post(f"/s/{survey.public_id}/", {"nps": "3", "nps_comment": "a\x00b"})
    assert page.status_code == 422
    assert "cannot keep" in page.content.decode()
    assert not Response.objects.exists()
    _everything_still_reads(alice, survey)


def test_an_accepted_answer_is_stored_in_nfc(alice):
    survey = make_survey(alice.organization)
    url = f"/api/v1/public/surveys/{survey.public_id}/responses"
    body = {"answers": {"nps": 9, "nps_comment": "cafe\u0301"}}
    assert _json(Client(), "post", url, body).status_code == 201
    assert FeedbackItem.objects.get().text == "caf\u00e9"


@pytest.mark.parametrize("value", ["\ud800", "a\u0000b"])
def test_the_api_s_bodies_and_queries_refuse_hostile_texts(alice, value):
    _refused(_json(alice.api, "post", "/api/v1/surveys", {"title": value}), "title")
    _refused(
        _json(alice.api, "post", "/api/v1/customers", {"external_id": "c1", "name": value}),
        "name",
    )
    _refused(_json(alice.api, "post", "/api/v1/customers", {"external_id": value}), "external_id")
    _refused(alice.api.get("/api/v1/customers", {"q": "a\x00b"}), "q")
    assert not Customer.objects.exists()
    assert not Survey.objects.exists()


def test_a_customer_import_refuses_a_row_with_a_nul(alice):
    file = SimpleUploadedFile("c.csv", b"external_id,name\ncus_1,Ann\ncus_2,a\x00b\n", "text/csv")
    report = alice.api.post("/api/v1/customers/import", {"file": file})
    assert report.status_code == 422
    assert report.json()["errors"][0]["field"] == "name"
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("t.csv", b"id,body,created_at\nt-1,a\x00b,2024-03-01T10:00:00Z\n"),
        ("t.json", b'[{"id": "t-1", "body": "\\ud800", "created_at": "2024-03-01T10:00:00Z"}]'),
    ],
)
def test_a_file_import_rejects_the_hostile_row_naming_its_field(
    alice, name, content, django_capture_on_commit_callbacks
):
    source = name.rsplit(".", 1)[1]
    data = {"kind": "tickets", "source": source, "columns": json.dumps({"text": "body"})}
    data["file"] = SimpleUploadedFile(name, content, "text/plain")  # type: ignore[assignment]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = alice.api.post("/api/v1/imports", data)
    assert accepted.status_code == 202, accepted.content
    assert ImportRejection.objects.get().field == "text"
    assert not FeedbackItem.objects.exists()
    _everything_still_reads(alice, make_survey(alice.organization))


@pytest.mark.parametrize("value", ["\\ud800", "a\\u0000b"])
def test_a_signed_webhook_with_a_hostile_text_is_refused_naming_it(alice, value):
    connection_ = create_connection(organization=alice.organization, source_name="zendesk")
    body = b'{"ticket": {"id": 1, "description": "' + value.encode() + b'"}}'
    signature = sign_webhook(secret=connection_.webhook_secret, body=body)
    answer = Client().post(
        webhook_path(connection_),
        data=body,
        content_type="application/json",
        headers={"X-Earful-Signature": signature},
    )
    _refused(answer, "body.ticket.description")
    assert WebhookReceipt.objects.get().status == WebhookReceipt.Status.REFUSED


def test_a_page_form_refuses_a_nul_as_a_form_error(alice):
    page = alice.client.post("/surveys/new/", {"title": "a\x00b"})
    assert page.status_code in {200, 422}
    assert "Null characters are not allowed" in page.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL never stored them")
def test_the_migration_repairs_rows_stored_before_the_rule(alice):
    survey = make_survey(alice.organization)
    url = f"/api/v1/public/surveys/{survey.public_id}/responses"
    _json(Client(), "post", url, {"answers": {"nps": 9, "nps_comment": "fine"}})
    item = FeedbackItem.objects.get()
    with connection.cursor() as cursor:  # what SQLite's `->>` wrote from a `\ud800` escape
        cursor.execute(
            "UPDATE feedback_feedbackitem SET text = CAST(X'61EDA08062' AS TEXT), "
            "author = 'x' || char(0) || 'y', metadata = '{\"k\": \"\\ud800\"}' WHERE id = %s",
            [item.pk],
        )
    editor = SimpleNamespace(connection=connection)
    repair_text_columns(apps, editor, "feedback.FeedbackItem")
    item.refresh_from_db()
    assert (item.text, item.author, item.metadata) == ("a\ufffdb", "xy", {"k": "\ufffd"})
    _everything_still_reads(alice, survey)
