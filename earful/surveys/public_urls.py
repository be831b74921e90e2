from django.urls import path

from earful.surveys.views import public

app_name = "public"
urlpatterns = [
    path("<str:public_id>/", public.respond, name="respond"),
    path("<str:public_id>/thanks/", public.thanks, name="thanks"),
]
