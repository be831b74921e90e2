from __future__ import annotations

from django.urls import URLPattern

app_name = "inbox_trends"
urlpatterns: list[URLPattern] = []
