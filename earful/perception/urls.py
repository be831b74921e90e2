from django.urls import path

from earful.perception import views

app_name = "perception"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
]
