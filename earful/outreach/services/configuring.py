"""How a survey is sent: recontact period, reminder, send window, wording."""

from __future__ import annotations

from earful.accounts.models import Organization
from earful.outreach import selectors
from earful.outreach.models import OutreachPolicy, SurveyOutreachSettings
from earful.outreach.services.errors import OutreachInvalid
from earful.surveys.models import Survey


def update_outreach_settings(*, survey: Survey, **values: object) -> SurveyOutreachSettings:
    """Changes how the survey is sent (recontact, reminder, window, wording)."""
    conf = selectors.settings_for(survey)
    for name, value in values.items():
        setattr(conf, name, value)
    try:
        conf.window  # noqa: B018  (validates the window)
    except ValueError as exc:
        raise OutreachInvalid([("window", str(exc))]) from exc
    conf.save()
    return conf


POLICY_LIMITS = {"cooldown_days": (0, 365), "cap_messages": (1, 100), "cap_window_days": (1, 365)}


def update_contact_policy(*, organization: Organization, **values: int) -> OutreachPolicy:
    """The organization's contact budget, shared by every survey and channel: no message
    within `cooldown_days` of the last one, at most `cap_messages` per `cap_window_days`."""
    errors = [
        (name, f"a whole number from {low} to {high}")
        for name, (low, high) in POLICY_LIMITS.items()
        if name in values and not low <= int(values[name]) <= high
    ]
    if errors:
        raise OutreachInvalid(errors)
    policy, _ = OutreachPolicy.objects.update_or_create(
        organization=organization, defaults={k: v for k, v in values.items() if k in POLICY_LIMITS}
    )
    return policy
