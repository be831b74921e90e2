"""The demo's perception gap: a support team and a sales team predicted last quarter's NPS
(hopeful, as most teams are), one open round for this month. Rerun: nothing is added twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.accounts.services import add_member
from earful.perception.models import Prediction, PredictionRound, Team
from earful.surveys.models import Survey

# (team, e-mail, predicted NPS, predicted % highly satisfied)
STAFF = [
    ("Support", "maya.support@demo.earful.local", 45, 70),
    ("Support", "li.support@demo.earful.local", 30, 60),
    ("Support", "jon.support@demo.earful.local", 38, 65),
    ("Sales", "ines.sales@demo.earful.local", 55, 80),
    ("Sales", "omar.sales@demo.earful.local", 60, 85),
    ("Sales", "kate.sales@demo.earful.local", 50, 75),
]


def _staff(organization: Organization) -> list[tuple[Member, Team, int, int]]:
    found = []
    for team_name, email, score, share in STAFF:
        team, _ = Team.objects.get_or_create(organization=organization, name=team_name)
        member = Member.objects.filter(organization=organization, user__email=email).first()
        if member is None:
            member = add_member(organization=organization, email=email, role=Role.AGENT)[0]
        team.members.add(member)
        found.append((member, team, score, share))
    return found


def _round(
    organization: Organization,
    survey: Survey,
    name: str,
    start: datetime,
    end: datetime,
    locks: datetime,
) -> PredictionRound:
    existing = PredictionRound.objects.filter(organization=organization, name=name).first()
    return existing or PredictionRound.objects.create(
        organization=organization,
        name=name,
        survey=survey,
        period_start=start,
        period_end=end,
        locks_at=locks,
    )


def seed_perception(*, organization: Organization, now: datetime) -> None:
    survey = (
        Survey.objects.filter(organization=organization, score_kind="nps")
        .filter(~Q(trust_mode="trustee"))
        .order_by("id")
        .first()
    )
    if survey is None:
        return
    staff = _staff(organization)
    quarter = _round(
        organization,
        survey,
        "Last quarter: relationship NPS",
        now - timedelta(days=120),
        now - timedelta(days=30),
        now - timedelta(days=119),
    )
    month = _round(
        organization,
        survey,
        "This month: relationship NPS",
        now - timedelta(days=5),
        now + timedelta(days=25),
        now + timedelta(days=2),
    )
    for member, team, score, share in staff:
        Prediction.objects.get_or_create(
            round=quarter,
            member=member,
            defaults={"team": team, "score": score, "highly_satisfied_pct": share},
        )
    for member, team, score, share in staff[:2]:
        Prediction.objects.get_or_create(
            round=month,
            member=member,
            defaults={"team": team, "score": score - 5, "highly_satisfied_pct": share - 5},
        )
