"""The main journeys of a new user, in a real browser: sign in, create a survey from a template
and publish it, answer it on a phone, see it on the dashboard and the home page, open a theme
and its comments, open a customer's page, read the API docs offline."""

from __future__ import annotations

from typing import Any

import pytest

from earful.accounts.models import Member
from earful.customers.tests.factories import CustomerFactory
from earful.insights.tests.pages_data import make_shop
from earful.surveys.models import Survey
from tests.browser.conftest import PASSWORD, shot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(offline_page: Any, live_server: Any, alice: Any) -> Any:
    user = Member.objects.get(pk=alice.member.pk).user
    user.set_password(PASSWORD)
    user.save()
    page = offline_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_a_new_user_creates_a_survey_from_a_template_answers_it_on_a_phone_and_sees_it(
    signed_in: Any, live_server: Any, browser: Any
) -> None:
    page = signed_in
    page.goto(f"{live_server.url}/surveys/new/")
    page.check("#starter-post_ticket")
    page.wait_for_selector("text=How satisfied are you with the help you got?")  # htmx preview
    shot(page, "builder-template-preview")
    page.click("text=Create survey")
    page.wait_for_selector("text=Preview: what a customer sees")
    shot(page, "builder")
    page.click("button:has-text('Publish')")
    survey = Survey.objects.get(title="How did we do?")
    assert survey.is_published

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    answer = phone.new_page()
    answer.goto(f"{live_server.url}/s/{survey.public_id}/")
    answer.click("label[for='csat-2']")
    answer.fill("#csat_comment", "The agent was kind but my parcel is still lost.")
    shot(answer, "phone-survey")
    answer.click("button[type=submit]")
    answer.wait_for_load_state()
    shot(answer, "phone-thanks")
    phone.close()

    page.goto(f"{live_server.url}/surveys/{survey.pk}/dashboard/")
    assert "my parcel is still lost" in page.content()
    shot(page, "dashboard")
    page.goto(f"{live_server.url}/")
    assert "How did we do?" in page.content()
    shot(page, "home")
    assert page.outside_requests == []


def test_a_user_opens_a_theme_and_its_comments_then_a_customers_page(
    signed_in: Any, live_server: Any, alice: Any
) -> None:
    page = signed_in
    make_shop(alice.organization)
    page.goto(f"{live_server.url}/insights/themes/")
    shot(page, "themes")
    page.click("table a >> nth=0")
    page.wait_for_selector("h1")
    shot(page, "theme")
    page.click("a:has-text('comments') >> nth=0")
    page.wait_for_load_state()
    shot(page, "theme-comments")

    customer = CustomerFactory(organization=alice.organization, name="Ann Example")
    page.goto(f"{live_server.url}/customers/")
    page.click("text=Ann Example")
    page.wait_for_selector("text=Tier over time")
    shot(page, "customer")
    assert page.outside_requests == []
    assert customer.name in page.content()


def test_the_api_docs_work_offline(offline_page: Any, live_server: Any) -> None:
    page = offline_page
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    shot(page, "api-docs-offline")
    assert page.outside_requests == []
