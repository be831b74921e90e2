from __future__ import annotations

from django.urls import path

from earful.inbox import views_trends

app_name = "inbox_trends"
urlpatterns = [
    path("", views_trends.trends_page, name="page"),
    path("card/", views_trends.trends_card, name="card"),
]
