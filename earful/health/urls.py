from django.urls import path

from earful.health import views

app_name = "health"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("recompute/", views.recompute, name="recompute"),
    path("fit/", views.fit, name="fit"),
    path("said-fine-then-left/", views.said_fine, name="said_fine"),
    path("radar/", views.radar, name="radar"),
    path("superfans/", views.superfans, name="superfans"),
    path("superfans/thank/", views.thank, name="thank"),
    path("customers/<int:customer_id>/", views.customer, name="customer"),
    path("customers/<int:customer_id>/referral-link/", views.make_link, name="make_link"),
    path("loyalty/", views.loyalty_page, name="loyalty"),
    path("loyalty/levels/", views.loyalty_levels, name="loyalty_levels"),
]
