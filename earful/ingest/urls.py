from __future__ import annotations

from django.urls import path

from earful.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.index, name="index"),
    path("imports/", views.upload, name="upload"),
    path("imports/<int:run_id>/", views.import_detail, name="import"),
    path("imports/<int:run_id>/progress/", views.import_progress, name="import_progress"),
    path("sources/", views.sources, name="sources"),
]
