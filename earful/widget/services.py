from __future__ import annotations

from earful.accounts.models import Organization
from earful.surveys.models import Survey
from earful.widget.models import WidgetSettings
from earful.widget.origins import clean_origins


class WidgetSettingsInvalid(ValueError):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


def update_widget_settings(
    *, organization: Organization, origins_text: str, feedback_survey: Survey | None
) -> WidgetSettings:
    origins, problems = clean_origins(origins_text)
    errors = [("allowed_origins", p) for p in problems]
    if feedback_survey is not None and feedback_survey.organization_id != organization.pk:
        errors.append(("feedback_survey", "not a survey of this organization"))
    if errors:
        raise WidgetSettingsInvalid(errors)
    widget, _ = WidgetSettings.objects.update_or_create(
        organization=organization,
        defaults={"allowed_origins": origins, "feedback_survey": feedback_survey},
    )
    return widget
