from __future__ import annotations

from django import forms

from earful.core.text import CleanTextFormMixin
from earful.surveys.models import Survey


class WidgetSettingsForm(CleanTextFormMixin, forms.Form):
    allowed_origins = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One site a line, e.g. https://shop.example.com",
    )
    feedback_survey = forms.ModelChoiceField(
        queryset=Survey.objects.none(), required=False, label="Always-on feedback survey"
    )

    def __init__(self, *args: object, organization_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["feedback_survey"]
        field.queryset = Survey.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id, status="published"
        )
