"""The statuses every operation of the API can answer, added to the OpenAPI document.

Each router declares its own successes and the refusals of its domain (422 for a survey that
cannot be published ...). What the edge answers for every operation alike is added here, so the
document names every status a client can get (and `scripts/fuzz-api.sh` checks that it does):

- 401: no valid token (operations with a security requirement);
- 403: the member's role does not allow it (idem);
- 404: an id in the path (or an id parameter: `?survey=`) names nothing of the organization's;
- 400, 413: a body that is not JSON, nests too deep, or is too large (operations with a body);
- 422: a parameter or body that fails validation;
- 429: past the rate limit (every operation: per token, or per address on public doors).
Every one of them has the error shape, `ErrorOut`.
"""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
REASONS = {
    400: "The body is not JSON, or nests deeper than 32 levels",
    401: "No valid token: send Authorization: Bearer <token>",
    403: "The token's member may not do this (their role)",
    404: "Not found (or another organization's)",
    413: "The body is larger than the limit",
    422: "A parameter or a field of the body is invalid: named in `field`",
    429: "Too many requests: try again after Retry-After seconds",
}
METHODS = ("get", "put", "post", "delete", "patch")


def add_edge_statuses(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (an OpenAPI document) with the edge's statuses on every operation."""
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is not None:
                _add(operation, _statuses(path, operation, schema))
    return schema


def _statuses(path: str, operation: dict[str, Any], schema: dict[str, Any]) -> list[int]:
    statuses = [429]
    if operation.get("security", schema.get("security")):
        statuses += [401, 403]
    if "{" in path or any(_names_an_object(p) for p in operation.get("parameters", [])):
        statuses.append(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append(422)
    if operation.get("requestBody"):
        statuses += [400, 413]
    return statuses


ID_PARAMETERS = frozenset({"survey", "theme", "customer", "account"})


def _names_an_object(parameter: dict[str, Any]) -> bool:
    """A query parameter holding an id (`?survey=3`): one that names nothing answers 404."""
    name = str(parameter.get("name", ""))
    return parameter.get("in") == "query" and (name in ID_PARAMETERS or name.endswith("_id"))


def _add(operation: dict[str, Any], statuses: list[int]) -> None:
    responses = operation.setdefault("responses", {})
    for status in statuses:  # ints, as ninja writes them
        if status in responses or str(status) in responses:
            continue
        responses.setdefault(
            status,
            {"description": REASONS[status], "content": {"application/json": {"schema": ERROR}}},
        )
