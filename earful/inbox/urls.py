from __future__ import annotations

from django.urls import path

from earful.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("<int:item_id>/", views.item_detail, name="detail"),
]
