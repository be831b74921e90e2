from django.urls import path

from earful.surveys.views import public

app_name = "public"
urlpatterns = [
    path("<str:public_id>/", public.respond, name="respond"),
    path("<str:public_id>/thanks/", public.thanks, name="thanks"),
    path("<str:public_id>/r/<uuid:response_id>/follow-up/", public.follow_up, name="follow_up"),
]
