from django.urls import include, path

from earful.api import api
from earful.surveys import public_api

urlpatterns = [
    # The public answer endpoints first: the hot path (surveys/public_api.py) skips the walk
    # through every route and ninja's machinery; ninja documents the same operations.
    path("api/v1/", include(public_api.urlpatterns)),
    path("", include("earful.home.urls")),  # the home page, customer list and customer page
    path("", include("earful.accounts.urls")),
    path("", include("earful.insights.urls")),
    path("surveys/", include("earful.surveys.urls")),
    path("surveys/", include("earful.outreach.urls")),
    path("customers/", include("earful.customers.urls")),
    path("s/", include("earful.surveys.public_urls")),
    path("i/", include("earful.outreach.public_urls")),
    path("", include("earful.widget.urls")),
    path("ingest/", include("earful.ingest.urls")),
    path("hooks/", include("earful.ingest.webhook_urls")),
    path("inbox/", include("earful.inbox.urls")),
    path("inbox/trends/", include("earful.inbox.urls_trends")),
    path("alerts/", include("earful.alerts.urls")),
    path("cases/", include("earful.cases.urls")),
    path("ideas/", include("earful.ideas.urls")),
    path("", include("earful.ideas.public_urls")),
    path("privacy/", include("earful.privacy.urls")),
    path("settings/webhooks/", include("earful.webhooks.urls")),
    path("health/", include("earful.health.urls")),
    path("", include("earful.health.public_urls")),
    path("perception/", include("earful.perception.urls")),
    path("p/", include("earful.perception.public_urls")),
    path("api/v1/", api.urls),
]
