"""A prize draw anyone can verify. The steps, each public on /d/<public_id>/:

1. Set up: the organization names the prize and, in advance, a future public value it does
   not control (the beacon: e.g. "the first Bitcoin block hash after 1 March, 12:00 UTC").
   Earful draws a secret seed and publishes only its commitment, sha256(seed).
2. Entries: every respondent who asks, whatever they answered, and anyone asking for a free
   entry (no answer, no purchase). Each entry holds a random code its entrant keeps.
3. Commit: the entries are closed and published as salted hashes, sha256(salt ":" code),
   sorted, with their digest sha256 of the hashes joined by newlines.
4. Draw, once the beacon is known: final_seed = sha256(seed ":" beacon_value); the winner is
   the entry hash at index int(sha256(final_seed ":" entries_digest), 16) mod len(entries).
   The seed is revealed; `verify_draw.py` (standard library only) re-checks every step.

Neither side can steer the result: the seed was fixed (committed) before the beacon existed,
and the beacon cannot be chosen by the organization or by Earful.

The policy check refuses a reward tied to what someone answers or to a review: FTC 16 CFR 465
(consumer reviews and testimonials) and Google's review policies forbid incentives conditioned
on the content of feedback or on leaving a review."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from earful.ideas.models import DrawState, PrizeDraw
from earful.ideas.services.errors import IdeasInvalid
from earful.surveys.models import PrizeDrawEntry, Survey

EVERYONE = "everyone"
REFUSED_ELIGIBILITY = {
    "positive_answers": "rewards only for good scores or kind words",
    "score": "rewards tied to the score given",
    "review": "rewards for writing a public review",
    "positive_review": "rewards for a positive review",
    "answer_content": "rewards tied to what someone answered",
}
POLICY = (
    "Refused: a reward tied to what people answer or to writing a review is not allowed "
    "(FTC 16 CFR 465 on consumer reviews and testimonials; Google's review policies forbid "
    "incentivised reviews). A draw must be open to every respondent whatever they answered "
    "and to anyone asking for a free entry."
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(salt: str, code: str) -> str:
    return sha256(f"{salt}:{code}")


def entries_digest(hashes: list[str]) -> str:
    return sha256("\n".join(hashes))


def final_seed(seed: str, beacon_value: str) -> str:
    return sha256(f"{seed}:{beacon_value}")


def winner_index(seed: str, digest: str, count: int) -> int:
    return int(sha256(f"{seed}:{digest}"), 16) % count


def check_reward_policy(*, eligibility: str) -> None:
    if eligibility != EVERYONE:
        why = REFUSED_ELIGIBILITY.get(eligibility, f"eligibility {eligibility!r}")
        raise IdeasInvalid([("eligibility", f"{POLICY} (asked for: {why})")])


def set_up_draw(
    *, survey: Survey, prize: str, beacon_name: str, eligibility: str = EVERYONE
) -> PrizeDraw:
    check_reward_policy(eligibility=eligibility)
    errors = []
    if not survey.prize_draw:
        errors.append(("survey", "turn on the survey's prize draw first (survey settings)"))
    if not 3 <= len((prize or "").strip()) <= 200:
        errors.append(("prize", "between 3 and 200 characters"))
    if not 10 <= len((beacon_name or "").strip()) <= 300:
        errors.append(("beacon_name", "name a future public value, 10 to 300 characters"))
    if PrizeDraw.objects.filter(survey=survey).exists():
        errors.append(("survey", "this survey has its draw already"))
    if errors:
        raise IdeasInvalid(errors)
    seed = secrets.token_hex(32)
    return PrizeDraw.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        prize=prize.strip(),
        beacon_name=beacon_name.strip(),
        salt=secrets.token_hex(16),
        seed=seed,
        seed_commitment=sha256(seed),
    )


def enter_free(*, draw: PrizeDraw, email: str) -> PrizeDrawEntry:
    """A free entry (no answer, no purchase): one per email address; a repeat returns the
    entry it already has."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise IdeasInvalid([("email", "enter a valid email address")])
    if draw.state != DrawState.OPEN:
        raise IdeasInvalid([("draw", "entries are closed")], status=409)
    ref = f"free:{email}"
    entry = PrizeDrawEntry.objects.filter(survey_id=draw.survey_id, customer_ref=ref).first()
    return entry or PrizeDrawEntry.objects.create(
        organization_id=draw.organization_id, survey_id=draw.survey_id, customer_ref=ref
    )


@transaction.atomic
def commit_draw(*, draw: PrizeDraw, now: datetime | None = None) -> PrizeDraw:
    """Closes the entries and publishes them as salted hashes (with their digest)."""
    draw = PrizeDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.state != DrawState.OPEN:
        raise IdeasInvalid([("draw", "already committed")], status=409)
    codes = PrizeDrawEntry.objects.filter(survey_id=draw.survey_id).values_list("code", flat=True)
    hashes = sorted(entry_hash(draw.salt, code) for code in codes)
    if not hashes:
        raise IdeasInvalid([("draw", "no entries yet")], status=409)
    draw.entry_hashes, draw.entries_digest = hashes, entries_digest(hashes)
    draw.state, draw.committed_at = DrawState.COMMITTED, now or timezone.now()
    draw.save()
    return draw


@transaction.atomic
def run_draw(*, draw: PrizeDraw, beacon_value: str, now: datetime | None = None) -> PrizeDraw:
    """Draws the winner from the beacon's value, once; reveals the seed."""
    draw = PrizeDraw.objects.select_for_update().get(pk=draw.pk)
    beacon_value = (beacon_value or "").strip()
    if draw.state != DrawState.COMMITTED:
        raise IdeasInvalid([("draw", "commit the entries first; a draw runs once")], status=409)
    if not 1 <= len(beacon_value) <= 300:
        raise IdeasInvalid([("beacon_value", "the public value named in advance, as published")])
    draw.beacon_value = beacon_value
    draw.final_seed = final_seed(draw.seed, beacon_value)
    index = winner_index(draw.final_seed, draw.entries_digest, len(draw.entry_hashes))
    draw.winner_hash = draw.entry_hashes[index]
    draw.state, draw.drawn_at = DrawState.DRAWN, now or timezone.now()
    draw.save()
    return draw


def winning_entry(draw: PrizeDraw) -> PrizeDrawEntry | None:
    """For staff only: the entry behind the winner's hash (to contact the winner)."""
    if not draw.winner_hash:
        return None
    for entry in PrizeDrawEntry.objects.filter(survey_id=draw.survey_id):
        if entry_hash(draw.salt, entry.code) == draw.winner_hash:
            return entry
    return None


def public_record(draw: PrizeDraw) -> dict[str, object]:
    """What /d/<public_id>/draw.json publishes: the seed only once drawn."""
    drawn = draw.state == DrawState.DRAWN
    return {
        "prize": draw.prize,
        "state": draw.state,
        "algorithm": "earful-draw-v1: sha256 hex; entry=sha256(salt:code); "
        "digest=sha256(join(sorted entries, newline)); final_seed=sha256(seed:beacon_value); "
        "winner=entries[int(sha256(final_seed:digest),16) mod len(entries)]",
        "salt": draw.salt if draw.state != DrawState.OPEN else "",
        "entries": draw.entry_hashes,
        "entries_digest": draw.entries_digest,
        "seed_commitment": draw.seed_commitment,
        "beacon_name": draw.beacon_name,
        "beacon_value": draw.beacon_value,
        "seed": draw.seed if drawn else "",
        "final_seed": draw.final_seed,
        "winner_hash": draw.winner_hash,
        "committed_at": draw.committed_at.isoformat() if draw.committed_at else None,
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
    }
