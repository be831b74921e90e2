from __future__ import annotations

from django.urls import path

from earful.ingest import webhook_views

app_name = "webhooks"
urlpatterns = [
    path("<str:source>/<int:connection_id>/", webhook_views.receive, name="receive"),
]
