from django.urls import path

from earful.perception import views

app_name = "perception_links"
urlpatterns = [path("<str:token>/", views.staff_link, name="predict")]
