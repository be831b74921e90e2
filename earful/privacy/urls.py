from django.urls import path

from earful.privacy import views

app_name = "privacy"
urlpatterns = [
    path("exports/", views.export_index, name="exports"),
    path("exports/surveys/<int:survey_id>/", views.export_survey, name="export_survey"),
    path("exports/feedback/", views.export_feedback, name="export_feedback"),
    path("exports/customers/", views.export_customers, name="export_customers"),
    path("customers/<int:customer_id>/", views.customer_rights, name="customer"),
    path("customers/<int:customer_id>/data/", views.customer_data, name="customer_data"),
    path("customers/<int:customer_id>/erase/", views.customer_erase, name="customer_erase"),
    path("audit/", views.audit_log, name="audit"),
    path("retention/", views.retention_settings, name="retention"),
]
