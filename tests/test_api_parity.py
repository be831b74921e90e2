"""Every action a page offers has an API operation that does the same (one service, two doors).

The test walks the URL configuration: each staff page route must be listed below, either with
the API operations that do what it does, or as a read-only page whose data the API also serves
(named too). A new page route fails here until someone says which operation is its twin."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from earful.api import api

# Page route name -> the API operations ("METHOD /path" under /api/v1) doing the same.
PAGE_TWINS: dict[str, list[str]] = {
    "accounts:tokens": ["GET /tokens", "POST /tokens"],
    "accounts:token_revoke": ["DELETE /tokens/{token_id}"],
    "accounts:roles": ["GET /members"],
    "accounts:members": ["GET /members", "POST /members"],
    "accounts:member_role": ["PATCH /members/{member_id}"],
    "accounts:member_remove": ["DELETE /members/{member_id}"],
    "insights:survey_dashboard": ["GET /surveys/{survey_id}/summary"],
    "insights:feedback": ["GET /feedback"],
    "insights:feedback_progress": ["GET /feedback/pending"],
    "insights:overview": ["GET /insights/trends", "GET /insights/movement"],
    "insights:themes": ["GET /themes"],
    "insights:theme": ["GET /themes", "GET /items"],
    "insights:theme_rename": ["PATCH /themes/{theme_id}"],
    "insights:theme_merge": ["POST /themes/{theme_id}/merge"],
    "insights:theme_split": ["POST /themes/{theme_id}/split"],
    "insights:drivers": ["GET /insights/drivers"],
    "insights:movement": ["GET /insights/movement"],
    "insights:comments": ["GET /feedback"],
    "surveys:list": ["GET /surveys"],
    "surveys:new": ["POST /surveys"],
    "surveys:builder": ["GET /surveys/{survey_id}", "PATCH /surveys/{survey_id}"],
    "surveys:question_add": ["PATCH /surveys/{survey_id}"],
    "surveys:question_remove": ["PATCH /surveys/{survey_id}"],
    "surveys:publish": ["POST /surveys/{survey_id}/publish"],
    "surveys:settings": ["PATCH /surveys/{survey_id}"],
    "surveys:translation_pick": ["PATCH /surveys/{survey_id}"],
    "surveys:translation": ["PATCH /surveys/{survey_id}"],
    "outreach:overview": ["GET /contact-policy", "PUT /contact-policy"],
    "outreach:invitations": [
        "GET /surveys/{survey_id}/invitations",
        "POST /surveys/{survey_id}/invitations",
        "PUT /surveys/{survey_id}/outreach",
    ],
    "customers:list": ["GET /customers"],
    "customers:import": ["POST /customers/import"],
    "widget:settings": ["GET /widget/settings", "PUT /widget/settings"],
    "ingest:index": ["GET /imports", "GET /sources"],
    "ingest:upload": ["POST /imports"],
    "ingest:import": ["GET /imports/{run_id}"],
    "ingest:import_progress": ["GET /imports/{run_id}"],
    "ingest:sources": ["GET /sources", "POST /sources"],
    "inbox:list": ["GET /items"],
    "inbox:detail": ["GET /items/{item_id}"],
    "inbox_trends:page": ["GET /items/trends"],
    "inbox_trends:card": ["GET /items/trends"],
    "alerts:index": ["GET /alert-rules"],
    "alerts:alert": ["GET /alert-rules/{rule_id}/alerts"],
    "alerts:rule_new": ["POST /alert-rules"],
    "alerts:rule_edit": ["PATCH /alert-rules/{rule_id}"],
    "alerts:rule_toggle": ["PATCH /alert-rules/{rule_id}"],
    "alerts:rule_delete": ["DELETE /alert-rules/{rule_id}"],
    "alerts:destinations": ["GET /alert-rules/destinations", "POST /alert-rules/destinations"],
    "alerts:destination_toggle": ["PATCH /alert-rules/destinations/{destination_id}"],
    "alerts:destination_delete": ["DELETE /alert-rules/destinations/{destination_id}"],
    "alerts:delivery_retry": ["POST /alert-rules/deliveries/{delivery_id}/retry"],
    "privacy:exports": ["GET /exports/feedback", "GET /exports/customers"],
    "privacy:export_survey": ["GET /surveys/{survey_id}/responses/export"],
    "privacy:export_feedback": ["GET /exports/feedback"],
    "privacy:export_customers": ["GET /exports/customers"],
    "privacy:customer": ["GET /customers/{customer_id}/data"],
    "privacy:customer_data": ["GET /customers/{customer_id}/data"],
    "privacy:customer_erase": ["POST /customers/{customer_id}/erase"],
    "privacy:audit": ["GET /audit"],
    "privacy:retention": ["GET /retention", "PUT /retention"],
    "event_webhooks:list": ["GET /webhooks", "POST /webhooks"],
    "event_webhooks:detail": [
        "GET /webhooks/{endpoint_id}/deliveries",
        "PATCH /webhooks/{endpoint_id}",
        "POST /webhooks/{endpoint_id}/test",
        "DELETE /webhooks/{endpoint_id}",
    ],
    "event_webhooks:action": ["PATCH /webhooks/{endpoint_id}", "POST /webhooks/{endpoint_id}/test"],
    "event_webhooks:redeliver": ["POST /webhooks/deliveries/{delivery_id}/redeliver"],
    "cases:queue": ["GET /cases"],
    "cases:open": ["POST /cases"],
    "cases:case": ["GET /cases/{case_id}"],
    "cases:act": [
        "PATCH /cases/{case_id}",
        "POST /cases/{case_id}/notes",
        "POST /cases/{case_id}/status",
    ],
    "cases:commitments": ["GET /cases/commitments"],
    "cases:customer_commitment": ["POST /cases/commitments"],
    "cases:commitment_outcome": ["POST /cases/commitments/{commitment_id}/outcome"],
    "cases:numbers": ["GET /cases/numbers"],
    "health:overview": ["GET /health", "GET /health/customers"],
    "health:recompute": ["POST /health/recompute"],
    "health:fit": ["POST /health/fit"],
    "health:said_fine": ["GET /health/said-fine-then-left"],
    "health:radar": ["GET /health/radar"],
    "health:superfans": ["GET /health/superfans", "GET /health/referrals"],
    "health:thank": ["POST /health/superfans/thank"],
    "health:customer": ["GET /health/customers/{customer_id}"],
    "health:make_link": ["POST /health/referrals/links"],
    "health:loyalty": ["GET /loyalty/program", "PUT /loyalty/program"],
    "health:loyalty_levels": ["PUT /loyalty/program"],
    "home:home": ["GET /surveys/{survey_id}/summary", "GET /alert-rules/{rule_id}/alerts"],
    "home:customers": ["GET /customers"],
    "home:customer": ["GET /customers/{customer_id}", "GET /items"],
    "surveys:new_preview": ["POST /surveys"],
    "perception:overview": ["GET /perception/rounds"],
    "perception:round": [
        "GET /perception/rounds/{round_id}/gap",
        "PUT /perception/rounds/{round_id}/prediction",
        "GET /perception/rounds/{round_id}/predictions",
    ],
    "ideas:index": ["GET /ideas"],
    "ideas:settings": ["PUT /ideas/board"],
    "ideas:idea": ["GET /ideas/{idea_id}", "GET /ideas/{idea_id}/release-note"],
    "ideas:status": ["PATCH /ideas/{idea_id}"],
    "ideas:moderate": ["PATCH /ideas/{idea_id}"],
    "ideas:merge": ["POST /ideas/{idea_id}/merge"],
    "ideas:link": ["GET /ideas/{idea_id}/links", "POST /ideas/{idea_id}/links"],
    "ideas:ship": ["POST /ideas/{idea_id}/ship"],
    "ideas:comment_hide": ["POST /ideas/comments/{comment_id}/hide"],
    "ideas:results": ["PUT /ideas/results/{survey_id}"],
    "ideas:draw": ["GET /ideas/draws/{survey_id}", "POST /ideas/draws/{survey_id}/draw"],
}

# Routes that are not staff pages: sign-in, what customers open, machine endpoints.
NOT_STAFF_PAGES = {
    "home",
    "accounts:login",
    "accounts:logout",
    "public:respond",
    "public:thanks",
    "public:follow_up",
    "invitation_links:open",
    "invitation_links:unsubscribe",
    "widget:script",
    "widget:feedback_link",
    "webhooks:receive",
    # The public ideas board, results and draws (customers' pages; their API is /public/...).
    "ideas_public:board",
    "ideas_public:new",
    "ideas_public:similar",
    "ideas_public:idea",
    "ideas_public:vote",
    "ideas_public:follow",
    "ideas_public:comment",
    "ideas_public:roadmap",
    "ideas_public:changelog",
    "ideas_public:sign_in",
    "ideas_public:sign_out",
    "ideas_public:confirm",
    "ideas_public:unsubscribe",
    "ideas_public:results",
    "ideas_public:draw",
    "ideas_public:draw_json",
    # A customer's loyalty page by signed link, and referral links (redirects).
    "health_public:loyalty",
    "health_public:referral",
    "perception_links:predict",  # staff without a login, by their link
}


def page_routes(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(p for p in (namespace, pattern.namespace or "") if p)
            if inner == "api":
                continue
            yield from page_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def api_operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in paths.items()
        for method in operations
    }


def test_every_staff_page_is_paired_with_api_operations():
    unpaired = set(page_routes()) - set(PAGE_TWINS) - NOT_STAFF_PAGES
    assert not unpaired, f"pages with no API twin named in tests/test_api_parity.py: {unpaired}"


@pytest.mark.parametrize("route", sorted(PAGE_TWINS))
def test_the_api_has_each_named_twin(route):
    missing = set(PAGE_TWINS[route]) - api_operations()
    assert not missing, f"{route}: the API lacks {missing}"
