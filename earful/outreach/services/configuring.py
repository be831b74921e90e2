"""How a survey is sent: recontact period, reminder, send window, wording."""

from __future__ import annotations

from earful.outreach import selectors
from earful.outreach.models import SurveyOutreachSettings
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
