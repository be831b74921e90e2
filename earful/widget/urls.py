from django.urls import path

from earful.widget import views

app_name = "widget"
urlpatterns = [
    path("widget.js", views.widget_script, name="script"),
    path("f/<slug:org_slug>/", views.feedback_link, name="feedback_link"),
    path("settings/widget/", views.widget_settings, name="settings"),
]
