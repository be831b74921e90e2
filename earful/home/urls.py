from django.urls import path

from earful.home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("customers/", views.customer_list, name="customers"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer"),
]
