from django.urls import path

from earful.surveys.views import builder

app_name = "surveys"
urlpatterns = [
    path("", builder.survey_list, name="list"),
    path("new/", builder.survey_new, name="new"),
    path("new/preview/", builder.survey_new_preview, name="new_preview"),
    path("<int:survey_id>/", builder.survey_builder, name="builder"),
    path("<int:survey_id>/questions/", builder.question_add, name="question_add"),
    path(
        "<int:survey_id>/questions/<slug:key>/remove/",
        builder.question_remove,
        name="question_remove",
    ),
    path("<int:survey_id>/publish/", builder.survey_publish, name="publish"),
    path("<int:survey_id>/settings/", builder.survey_settings, name="settings"),
    path("<int:survey_id>/translations/", builder.translation_pick, name="translation_pick"),
    path(
        "<int:survey_id>/translations/<str:language>/",
        builder.survey_translation,
        name="translation",
    ),
]
