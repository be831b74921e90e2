from __future__ import annotations

from django.urls import path

from earful.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:alert_id>/", views.alert_detail, name="alert"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/toggle/", views.rule_toggle, name="rule_toggle"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("destinations/", views.destinations, name="destinations"),
    path(
        "destinations/<int:destination_id>/toggle/",
        views.destination_toggle,
        name="destination_toggle",
    ),
    path(
        "destinations/<int:destination_id>/delete/",
        views.destination_delete,
        name="destination_delete",
    ),
    path("deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="delivery_retry"),
]
