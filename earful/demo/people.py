"""The demo's customers, as import rows: names, places, companies and plans. Pure and seeded."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from django.utils.text import slugify

SEED = 2026
ACCOUNT_COUNT = 40
B2B_SHARE = 0.25  # a quarter of the customers buy for a company


@dataclass(frozen=True)
class Place:
    timezone: str
    locale: str
    region: str
    weight: int  # how many customers live there, relatively


PLACES = (
    Place("America/New_York", "en-US", "North America", 18),
    Place("America/Chicago", "en-US", "North America", 10),
    Place("America/Denver", "en-US", "North America", 4),
    Place("America/Los_Angeles", "en-US", "North America", 12),
    Place("America/Toronto", "en-CA", "North America", 4),
    Place("America/Toronto", "fr-CA", "North America", 2),
    Place("America/Sao_Paulo", "pt-BR", "Latin America", 3),
    Place("Europe/London", "en-GB", "Europe", 12),
    Place("Europe/Berlin", "de-DE", "Europe", 7),
    Place("Europe/Paris", "fr-FR", "Europe", 6),
    Place("Europe/Madrid", "es-ES", "Europe", 4),
    Place("Europe/Amsterdam", "nl-NL", "Europe", 3),
    Place("Asia/Tokyo", "ja-JP", "Asia-Pacific", 5),
    Place("Asia/Singapore", "en-SG", "Asia-Pacific", 3),
    Place("Australia/Sydney", "en-AU", "Asia-Pacific", 6),
    Place("Pacific/Auckland", "en-NZ", "Asia-Pacific", 3),
)

# Given names and family names by language (the locale's first part).
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Emma", "Olivia", "Ava", "Grace", "Chloe", "Hannah", "Megan", "Lucy", "James", "Noah"),
        ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Walker", "Clarke", "Hughes", "Reid"),
    ),
    "fr": (
        ("Camille", "Léa", "Manon", "Chloé", "Inès", "Juliette", "Élodie", "Lucas", "Hugo"),
        ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Roux", "Tremblay"),
    ),
    "de": (
        ("Anna", "Lena", "Marie", "Sophie", "Johanna", "Katrin", "Jonas", "Felix", "Lukas"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Wagner", "Hoffmann"),
    ),
    "es": (
        ("Lucía", "Sofía", "Martina", "Paula", "Carmen", "Elena", "Pablo", "Javier"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro"),
    ),
    "nl": (
        ("Emma", "Sanne", "Fleur", "Lotte", "Anouk", "Daan", "Bram", "Sem"),
        ("de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit"),
    ),
    "pt": (
        ("Ana", "Beatriz", "Juliana", "Larissa", "Fernanda", "Gabriel", "Rafael"),
        ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida"),
    ),
    "ja": (
        ("Yui", "Aoi", "Haruka", "Sakura", "Misaki", "Rin", "Haruto", "Ren"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Nakamura"),
    ),
}

_COMPANY_WORDS = ("Harbor", "Maple", "Juniper", "Cobalt", "Willow", "Summit", "Linden", "Aurora")
_COMPANY_KINDS = ("Boutique", "Outfitters", "Hotels", "Studios", "Dental", "Events", "Fitness")
PLANS = (("Standard", 60), ("Plus", 30), ("Premium", 10))


def account_names(rng: Random, count: int = ACCOUNT_COUNT) -> list[str]:
    """Company names such as "Juniper Hotels": stores, hotels and studios that dress their staff."""
    names = [f"{word} {kind}" for word in _COMPANY_WORDS for kind in _COMPANY_KINDS]
    return sorted(rng.sample(names, count))


def _pick(rng: Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([item for item, _ in weighted], weights=[w for _, w in weighted])[0]


def customer_row(number: int, rng: Random, accounts: list[str]) -> dict[str, Any]:
    """One customer, shaped as `earful.customers.services.import_customers` takes it."""
    place = rng.choices(PLACES, weights=[p.weight for p in PLACES])[0]
    given, family = NAMES[place.locale.split("-")[0]]
    name = f"{rng.choice(given)} {rng.choice(family)}"
    account = rng.choice(accounts) if rng.random() < B2B_SHARE else ""
    plan = "Business" if account else _pick(rng, PLANS)
    return {
        "external_id": f"cus_{number:05d}",
        "email": f"{slugify(name).replace('-', '.')}.{number}@example.com",
        "name": name,
        "timezone": place.timezone,
        "locale": place.locale,
        "account": account,
        "attributes": {
            "plan": plan,
            "region": place.region,
            "signup_year": rng.randint(2017, 2025),
        },
    }


def customer_rows(count: int) -> list[dict[str, Any]]:
    """`count` customers, the same ones on every run."""
    rng = Random(SEED)
    accounts = account_names(rng)
    return [customer_row(number, rng, accounts) for number in range(1, count + 1)]
