from __future__ import annotations

from django.urls import path

from earful.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("open/", views.open_case, name="open"),
    path("commitments/", views.commitments, name="commitments"),
    path(
        "commitments/<int:commitment_id>/outcome/",
        views.commitment_outcome,
        name="commitment_outcome",
    ),
    path(
        "customers/<int:customer_id>/commitment/",
        views.customer_commitment,
        name="customer_commitment",
    ),
    path("numbers/", views.numbers, name="numbers"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/<str:action>/", views.case_act, name="act"),
]
