"""The OpenAPI document names every status an operation can answer (issue 14): what the edge
answers (401, 403, 404, 400, 413, 422, 429, core/openapi.py) besides each router's own."""

from __future__ import annotations

from django.test import Client

METHODS = ("get", "put", "post", "delete", "patch")
ERROR = {"$ref": "#/components/schemas/ErrorOut"}


def _operations(db):
    spec = Client().get("/api/v1/openapi.json").json()
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_token_operations_document_401_and_403(db):
    token_operations = 0
    for path, method, operation in _operations(db):
        if operation.get("security"):
            token_operations += 1
            assert "401" in operation["responses"], (method, path)
            assert "403" in operation["responses"], (method, path)
        else:
            assert path.startswith("/api/v1/public/"), (method, path)  # only those are open
    assert token_operations > 30


def test_an_id_in_the_path_documents_404_and_every_operation_429(db):
    for path, method, operation in _operations(db):
        if "{" in path:
            assert "404" in operation["responses"], (method, path)
        assert "429" in operation["responses"], (method, path)


def test_bodies_document_400_413_and_422_in_the_error_shape(db):
    for path, method, operation in _operations(db):
        if "requestBody" in operation:
            for status in ("400", "413", "422"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                shapes = schema.get("anyOf", [schema])  # a router's own 422 may add its report
                assert ERROR in shapes, (method, path, status)


def test_no_value_without_an_offset_is_declared_format_time(db):
    spec = Client().get("/api/v1/openapi.json").text
    assert '"format":"time"' not in spec.replace(" ", "")


def test_a_refusal_at_the_edge_answers_what_the_document_says(alice):
    """401 without a token, in the error shape the document declares."""
    answer = Client().get("/api/v1/surveys")
    assert answer.status_code == 401
    assert answer.json()["detail"][0]["field"] == "Authorization"
