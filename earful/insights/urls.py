from django.urls import path

from earful.insights import views, views_pages

app_name = "insights"
urlpatterns = [
    path("surveys/<int:survey_id>/dashboard/", views.survey_dashboard, name="survey_dashboard"),
    path("feedback/", views.feedback_overview, name="feedback"),
    path("feedback/progress/", views.feedback_progress_partial, name="feedback_progress"),
    # The insights pages (views_pages.py): every number links to the comments behind it.
    path("insights/", views_pages.overview, name="overview"),
    path("insights/themes/", views_pages.themes, name="themes"),
    path("insights/themes/<int:theme_id>/", views_pages.theme_detail, name="theme"),
    path("insights/themes/<int:theme_id>/rename/", views_pages.theme_rename, name="theme_rename"),
    path("insights/themes/<int:theme_id>/merge/", views_pages.theme_merge, name="theme_merge"),
    path("insights/themes/<int:theme_id>/split/", views_pages.theme_split, name="theme_split"),
    path("insights/drivers/", views_pages.drivers, name="drivers"),
    path("insights/movement/", views_pages.movement, name="movement"),
    path("insights/comments/", views_pages.comments, name="comments"),
]
