from django.urls import path

from earful.outreach import views

app_name = "outreach"
urlpatterns = [
    path("invitations/", views.outreach_overview, name="overview"),
    path("<int:survey_id>/invitations/", views.survey_invitations, name="invitations"),
]
