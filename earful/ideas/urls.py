from django.urls import path

from earful.ideas.views import staff

app_name = "ideas"
urlpatterns = [
    path("", staff.index, name="index"),
    path("settings/", staff.board_settings, name="settings"),
    path("<int:idea_id>/", staff.idea_admin, name="idea"),
    path("<int:idea_id>/status/", staff.idea_status, name="status"),
    path("<int:idea_id>/moderate/", staff.idea_moderate, name="moderate"),
    path("<int:idea_id>/merge/", staff.idea_merge, name="merge"),
    path("<int:idea_id>/links/", staff.idea_link, name="link"),
    path("<int:idea_id>/ship/", staff.idea_ship, name="ship"),
    path("comments/<int:comment_id>/hide/", staff.comment_hide, name="comment_hide"),
    path("results/<int:survey_id>/", staff.results_settings, name="results"),
    path("draws/<int:survey_id>/", staff.draw_admin, name="draw"),
]
