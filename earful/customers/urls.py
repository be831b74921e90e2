from django.urls import path

from earful.customers import views

app_name = "customers"
urlpatterns = [
    path("import/", views.customer_import, name="import"),
]
