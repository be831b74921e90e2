"""The demo's other voices: support tickets, public reviews and social posts, planned without
touching the database, as the records a source would give (earful/ingest/sources/base.py).

- Reviews: real clothing reviews (data/reviews_subset.csv) posted on Trustpilot over 12 weeks.
- Tickets: Zendesk tickets written from a dozen request types a clothing shop gets. Delivery
  complaints triple in the last three weeks (a late carrier), so request trends and the theme
  spike alert have something true to find.
- Posts: social posts, mostly quiet; one unhappy post of yesterday gathers likes and shares fast
  (its snapshots every 30 minutes), which the viral-risk alert explains.
Seeded: every run plans the same records, so a rerun of the demo adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from earful.demo.reviews import ReviewDeck, load_reviews, rating_at
from earful.ingest.sources.base import Metrics, Record

SEED = 77
WEEKS = 12
REVIEWS = 360
TICKETS = 720
POSTS = 24
DELIVERY_SURGE_WEEKS = 3  # the last weeks, when delivery tickets triple

# Request types: (name, weekly weight, phrasings). {order}, {item} and {days} are filled in.
REQUESTS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "delivery",
        6,
        (
            "My order {order} still has not arrived, it has been {days} days. Where is it?",
            "Tracking for {order} has not moved for {days} days. Can you check with the courier?",
            "The {item} I ordered was due last week and nothing came. Order {order}.",
            "Delivery keeps getting postponed for order {order}. I need it by Friday.",
            "Courier says delivered but there is no parcel at my door. Order {order}.",
        ),
    ),
    (
        "returns",
        5,
        (
            "I sent back the {item} {days} days ago and still no refund. Order {order}.",
            "How do I return a {item}? The returns page gives me an error.",
            "Please send me a return label for order {order}, the {item} does not fit.",
            "My refund for {order} shows as pending for {days} days now.",
        ),
    ),
    (
        "sizing",
        4,
        (
            "Can I exchange the {item} for a size up? Order {order}.",
            "The {item} runs very small compared to your size chart. What size should I take?",
            "Is the {item} true to size? I am usually a medium in tops.",
            "I need the {item} in a petite length, do you have it?",
        ),
    ),
    (
        "damaged",
        3,
        (
            "The {item} arrived with a hole in the seam. Order {order}.",
            "The zip on my {item} broke the first time I wore it.",
            "Colour of the {item} ran in the first wash even on cold.",
            "The {item} came stained and the packaging was torn open.",
        ),
    ),
    (
        "promo code",
        2,
        (
            "The promo code from your newsletter does not work at checkout.",
            "I was not given the 20% discount on order {order} even though I used the code.",
            "Your welcome code says expired but I signed up yesterday.",
        ),
    ),
    (
        "payment",
        2,
        (
            "I was charged twice for order {order}. Please refund one of them.",
            "My card was declined but the money left my account. Order {order}.",
            "Can I pay for order {order} with a gift card and a credit card together?",
        ),
    ),
    (
        "account",
        2,
        (
            "I cannot log in, the password reset email never arrives.",
            "Please delete my account and my saved addresses.",
            "How do I change the email on my account?",
        ),
    ),
    (
        "address",
        2,
        (
            "I typed the wrong address for order {order}, can you change it before it ships?",
            "Can you deliver order {order} to my office instead?",
        ),
    ),
    (
        "stock",
        2,
        (
            "When will the {item} be back in stock in size 8?",
            "The {item} sold out in my size within an hour. Will you restock it?",
        ),
    ),
    (
        "cancel",
        2,
        (
            "Please cancel order {order}, I ordered the wrong colour.",
            "I want to cancel order {order} before it ships. Is that still possible?",
        ),
    ),
)
ITEMS = (
    "linen dress",
    "wool coat",
    "denim jacket",
    "silk blouse",
    "knit sweater",
    "wide-leg trousers",
    "pleated skirt",
    "rain jacket",
    "cotton tee",
    "wrap dress",
)
PLATFORMS = ("instagram", "x", "tiktok", "threads")
HANDLES = ("styleby_mia", "jen.outfits", "the_thrifty_one", "paula_wears", "daily.drape")


@dataclass(frozen=True)
class Voices:
    tickets: tuple[Record, ...]
    reviews: tuple[Record, ...]
    posts: tuple[Record, ...]


def plan_voices(*, now: datetime, customer_emails: list[str], scale: float = 1.0) -> Voices:
    """Tickets, reviews and posts of the 12 weeks before `now` (aware); `scale` shrinks the
    counts (tests), never below one a week."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    return Voices(
        tickets=_tickets(hour, customer_emails, Random(SEED), max(WEEKS, round(TICKETS * scale))),
        reviews=_reviews(hour, customer_emails, Random(SEED + 1), max(1, round(REVIEWS * scale))),
        posts=_posts(
            now.replace(second=0, microsecond=0), Random(SEED + 2), max(2, round(POSTS * scale))
        ),
    )


def _moment(start: datetime, rng: Random) -> datetime:
    return start + timedelta(seconds=rng.randrange(7 * 24 * 3600))


def _ticket_weights(week: int) -> list[int]:
    surge = week >= WEEKS - DELIVERY_SURGE_WEEKS
    return [weight * (3 if surge and name == "delivery" else 1) for name, weight, _ in REQUESTS]


def _tickets(now: datetime, emails: list[str], rng: Random, total: int) -> tuple[Record, ...]:
    per_week = total // WEEKS
    records: list[Record] = []
    for week in range(WEEKS):
        start = now - timedelta(weeks=WEEKS - week)
        weights = _ticket_weights(week)
        count = per_week + (per_week // 2 if week >= WEEKS - DELIVERY_SURGE_WEEKS else 0)
        for _ in range(count):
            name, _, phrasings = rng.choices(REQUESTS, weights=weights)[0]
            text = rng.choice(phrasings).format(
                order=f"NW-{rng.randrange(100000, 999999)}",
                item=rng.choice(ITEMS),
                days=rng.randint(3, 21),
            )
            number = 40000 + len(records)
            records.append(
                Record(
                    external_id=str(number),
                    text=text,
                    title=text.split(".")[0][:80],
                    received_at=min(_moment(start, rng), now),
                    customer_email=rng.choice(emails) if emails else "",
                    url=f"https://northwind.zendesk.com/agent/tickets/{number}",
                    metadata={"status": rng.choice(("solved", "open", "pending")), "type": name},
                )
            )
    return tuple(records)


def _title(text: str) -> str:
    first = text.split(".")[0].strip()
    return first if len(first) <= 70 else first[:67].rsplit(" ", 1)[0] + "..."


def _reviews(now: datetime, emails: list[str], rng: Random, total: int) -> tuple[Record, ...]:
    deck = ReviewDeck(load_reviews(), rng)
    records: list[Record] = []
    for number in range(total):
        received = now - timedelta(seconds=rng.randrange(WEEKS * 7 * 24 * 3600))
        rating = rating_at(1 - (now - received) / timedelta(weeks=WEEKS) * 0.25, rng)
        review = deck.deal(rating)
        identified = emails and rng.random() < 0.3
        records.append(
            Record(
                external_id=f"tp-{number:05d}",
                text=review.text,
                title=_title(review.text),
                received_at=received,
                rating=rating,
                rating_scale="1-5",
                author=f"{rng.choice(('Anna', 'Kate', 'Maria', 'Lou', 'Sam', 'Jo'))} "
                f"{rng.choice('ABCDEFGHJKLMNPRSTW')}.",
                customer_email=rng.choice(emails) if identified else "",
                url=f"https://www.trustpilot.com/reviews/tp-{number:05d}",
                metadata={"language": "en", "department": review.department},
            )
        )
    return tuple(records)


def _posts(now: datetime, rng: Random, total: int) -> tuple[Record, ...]:
    reviews = load_reviews()
    quiet = [r for r in reviews if r.rating >= 4 and len(r.text) < 240]
    unhappy = [r for r in reviews if r.rating == 1 and len(r.text) < 240]
    records: list[Record] = []
    for number in range(total - 1):
        posted = now - timedelta(seconds=rng.randrange(WEEKS * 7 * 24 * 3600))
        review = rng.choice(quiet)
        followers = rng.randint(200, 5000)
        records.append(_post(number, review.text, posted, followers, rng, fast=False))
    viral = rng.choice(unhappy)
    records.append(_post(total, viral.text, now - timedelta(hours=6), 48000, rng, fast=True))
    return tuple(records)


def _post(
    number: int, text: str, posted: datetime, followers: int, rng: Random, *, fast: bool
) -> Record:
    platform, handle = rng.choice(PLATFORMS), rng.choice(HANDLES)
    return Record(
        external_id=f"post-{number:04d}",
        text=text,
        received_at=posted,
        author=f"@{handle}",
        url=f"https://{platform}.example/{handle}/{number}",
        metrics=_growth(posted, followers, rng, fast=fast),
        metadata={"platform": platform},
    )


def _growth(posted: datetime, followers: int, rng: Random, *, fast: bool) -> tuple[Metrics, ...]:
    """Reach and engagement every 30 minutes: for 10 hours when slow; when fast, for the 6 hours
    since the post, ending at about 150 more likes and shares an hour."""
    snapshots: list[Metrics] = []
    likes = shares = 0
    for step in range(1, 13 if fast else 21):
        likes += rng.randint(40, 90) * step // 6 if fast else rng.randint(0, 3)
        shares += rng.randint(10, 30) * step // 6 if fast else rng.randint(0, 1)
        snapshots.append(
            Metrics(
                observed_at=posted + timedelta(minutes=30 * step),
                followers=followers,
                reach=(likes + shares) * (40 if fast else 12) + followers // 10,
                likes=likes,
                shares=shares,
                comments=likes // 8,
            )
        )
    return tuple(snapshots)
