"""The demo's ideas board (called by `earful seed-demo`): ideas with votes, a merge, survey
comments linked to an idea, a shipped idea whose release note went to its voters and linked
respondents (the rows in the outbox, budget-held ones with their reasons), a published
results page and a finished verifiable prize draw. Safe to rerun: an org with ideas is left."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from django.db.models import Q

from earful.accounts.models import Member, Organization
from earful.customers.models import Customer
from earful.feedback.models import Channel, FeedbackItem
from earful.ideas.models import Idea, Status
from earful.ideas.services import board, draws, linking, releasing, results
from earful.surveys.models import Survey
from earful.surveys.services import update_survey

IDEAS = (
    ("A size guide with real measurements for every item", "planned", 38),
    ("Free returns for exchanges of size", "in_progress", 31),
    ("Show how the fabric looks in daylight photos", "open", 24),
    ("Let me save items to a wish list without an account", "open", 19),
    ("Petite and tall ranges in the same styles", "planned", 17),
    ("Order tracking by text message", "open", 12),
    ("More colours for the basics", "declined", 9),
    ("Gift wrapping at checkout", "shipped", 7),
    ("Pay in three instalments", "open", 5),
    ("Reviews that say the reviewer's usual size", "open", 14),
)
DUPLICATE = "Exact measurements in the size chart please"
SHIPPED = "Reviews that say the reviewer's usual size"
LINK_WORDS = ("size", "small", "large", "fit")
BEACON = "The first Bitcoin block hash mined after the draw closes (named when it opened)"


def _customers(organization: Organization, rng: Random) -> list[Customer]:
    pool = list(Customer.objects.filter(organization=organization).exclude(email="")[:400])
    rng.shuffle(pool)
    return pool


def _board(organization: Organization, pool: list[Customer], now: datetime) -> dict[str, Idea]:
    """The ideas, each with about its number of votes (fewer customers: fewer votes)."""
    ideas: dict[str, Idea] = {}
    rng = Random(len(pool))
    for number, (title, status, votes) in enumerate(IDEAS):
        author = pool[number % len(pool)]
        idea = board.post_idea(organization=organization, author=author, title=title, now=now)
        for customer in rng.sample(pool, min(votes, len(pool))):
            board.cast_vote(idea=idea, customer=customer, now=now)
        if status not in (Status.OPEN, Status.SHIPPED):
            board.set_status(
                idea=idea, status=status, staff_response="Thank you: we read every vote."
            )
        ideas[title] = idea
    board.add_comment(
        idea=ideas[IDEAS[0][0]], customer=pool[-1], text="Please include the inseam too!"
    )
    return ideas


def _merge(organization: Organization, ideas: dict[str, Idea], pool: list[Customer]) -> None:
    duplicate = board.post_idea(organization=organization, author=pool[-2], title=DUPLICATE)
    for customer in pool[:3] + pool[-5:-3]:
        board.cast_vote(idea=duplicate, customer=customer)
    board.merge_ideas(duplicate=duplicate, into=ideas[IDEAS[0][0]])


def _link_and_ship(organization: Organization, idea: Idea, owner: Member, now: datetime) -> None:
    asking = Q()
    for word in LINK_WORDS:
        asking |= Q(text__icontains=f" {word} ")
    items = FeedbackItem.objects.filter(
        organization=organization, channel=Channel.SURVEY, customer__isnull=False
    ).filter(asking)
    ids = list(items.order_by("-received_at").values_list("pk", flat=True)[:12])
    if ids:
        linking.link_items(idea=idea, item_ids=ids, member=owner)
    releasing.ship_idea(
        idea=idea,
        subject="Reviews now show the reviewer's usual size",
        body=(
            "Every review now says which size the reviewer usually wears and which they "
            "bought, so you can tell at a glance whether an item runs small or large."
        ),
        member=owner,
        staff_response="Shipped: look under any review.",
        now=now,
    )


def _results_and_draw(survey: Survey, pool: list[Customer]) -> None:
    results.configure_results(
        survey=survey,
        published=True,
        changes="Clearer sizing: a measured size guide (planned) and the reviewer's usual "
        "size on every review (shipped).",
    )
    update_survey(survey=survey, prize_draw=True)
    survey.refresh_from_db()
    draw = draws.set_up_draw(survey=survey, prize="A 100 EUR gift card", beacon_name=BEACON)
    for customer in pool[:25]:
        draws.enter_free(draw=draw, email=customer.email)
    draws.commit_draw(draw=draw)
    draws.run_draw(
        draw=draw, beacon_value="00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054"
    )


def seed_ideas(
    *, organization: Organization, owner: Member, surveys: list[Survey], now: datetime
) -> int:
    """Seeds the board once; returns how many ideas it posted (0 on a rerun)."""
    if Idea.objects.filter(organization=organization).exists():
        return 0
    rng = Random(18)
    pool = _customers(organization, rng)
    if len(pool) < 30 or not surveys:
        return 0
    settings = board.board_for(organization)
    settings.intro = "Tell us what would make shopping with us better, and vote for others' ideas."
    settings.save()
    ideas = _board(organization, pool, now - timedelta(days=20))
    _merge(organization, ideas, pool)
    _link_and_ship(organization, ideas[SHIPPED], owner, now)
    _results_and_draw(surveys[0], pool)
    return len(IDEAS) + 1
