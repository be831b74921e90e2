from django.urls import path

from earful.outreach import views

app_name = "invitation_links"
urlpatterns = [
    path("<str:token>/", views.open_invitation, name="open"),
    path("<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
