from django.urls import path

from earful.health import views

app_name = "health_public"
urlpatterns = [
    path("l/<str:token>/", views.public_loyalty, name="loyalty"),
    path("ref/<str:code>/", views.referral_redirect, name="referral"),
]
