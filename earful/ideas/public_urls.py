from django.urls import path

from earful.ideas.views import public

app_name = "ideas_public"
urlpatterns = [
    path("b/<slug:slug>/", public.board_page, name="board"),
    path("b/<slug:slug>/new/", public.new_idea, name="new"),
    path("b/<slug:slug>/similar/", public.similar, name="similar"),
    path("b/<slug:slug>/ideas/<int:idea_id>/", public.idea_page, name="idea"),
    path("b/<slug:slug>/ideas/<int:idea_id>/vote/", public.vote, name="vote"),
    path("b/<slug:slug>/ideas/<int:idea_id>/follow/", public.follow, name="follow"),
    path("b/<slug:slug>/ideas/<int:idea_id>/comment/", public.comment, name="comment"),
    path("b/<slug:slug>/roadmap/", public.roadmap, name="roadmap"),
    path("b/<slug:slug>/changelog/", public.changelog, name="changelog"),
    path("b/<slug:slug>/sign-in/", public.sign_in, name="sign_in"),
    path("b/<slug:slug>/sign-out/", public.sign_out, name="sign_out"),
    path("b/<slug:slug>/confirm/<str:token>/", public.confirm, name="confirm"),
    path("b/<slug:slug>/unsubscribe/<str:value>/", public.unsubscribe, name="unsubscribe"),
    path("r/<str:public_id>/", public.results_page, name="results"),
    path("d/<str:public_id>/", public.draw_page, name="draw"),
    path("d/<str:public_id>/draw.json", public.draw_json, name="draw_json"),
]
