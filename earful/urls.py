from django.urls import include, path
from django.views.generic import RedirectView

from earful.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="surveys:list"), name="home"),
    path("", include("earful.accounts.urls")),
    path("", include("earful.insights.urls")),
    path("surveys/", include("earful.surveys.urls")),
    path("surveys/", include("earful.outreach.urls")),
    path("customers/", include("earful.customers.urls")),
    path("s/", include("earful.surveys.public_urls")),
    path("i/", include("earful.outreach.public_urls")),
    path("", include("earful.widget.urls")),
    path("api/v1/", api.urls),
]
