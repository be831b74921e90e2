from django.urls import path

from earful.insights import views

app_name = "insights"
urlpatterns = [
    path("surveys/<int:survey_id>/dashboard/", views.survey_dashboard, name="survey_dashboard"),
]
