from __future__ import annotations

from django.db import models

from earful.core.models import TimeStamped


class WidgetSettings(TimeStamped):
    """Where an organization's website widget may run, and its always-on feedback survey."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="widget_settings"
    )
    allowed_origins = models.JSONField(
        default=list,
        blank=True,
        help_text="Sites allowed to embed the widget: https://shop.example",
    )
    feedback_survey = models.ForeignKey(
        "surveys.Survey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"widget of {self.organization_id}"
