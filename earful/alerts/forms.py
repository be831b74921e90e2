from __future__ import annotations

from typing import Any

from django import forms

from earful.alerts.models import AlertRule, Destination, DestinationKind
from earful.alerts.services.parameters import PARAMETERS, Param
from earful.core.text import CleanTextFormMixin


def _parameter_field(param: Param) -> forms.Field:
    common: dict[str, Any] = {"label": param.label, "help_text": param.help}
    if param.type is bool:
        return forms.BooleanField(required=False, **common)
    common.update(required=not param.optional, min_value=param.minimum, max_value=param.maximum)
    if param.type is int:
        return forms.IntegerField(**common)
    return forms.FloatField(**common)


class RuleForm(CleanTextFormMixin, forms.Form):
    """A rule of one kind: its name, where it sends, and the kind's parameters (made from
    `services.parameters.PARAMETERS`, checked again by the service)."""

    name = forms.CharField(max_length=100)
    destinations = forms.ModelMultipleChoiceField(
        queryset=Destination.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None: the alerts are only listed here",
    )
    enabled = forms.BooleanField(required=False, initial=True)
    open_case = forms.BooleanField(
        required=False, label="Open a case", help_text="Also open a follow-up case for each alert"
    )

    def __init__(self, *args: Any, kind: str, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["destinations"].queryset = Destination.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id
        ).order_by("name")
        for param in PARAMETERS[kind]:
            self.fields[param.name] = _parameter_field(param)
            self.fields[param.name].initial = param.default
        self.order_fields(["name", *(p.name for p in PARAMETERS[kind]), "destinations"])

    @classmethod
    def initial_of(cls, rule: AlertRule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "enabled": rule.enabled,
            "open_case": rule.open_case,
            "destinations": list(rule.destinations.all()),
            **rule.parameters,
        }

    def parameters(self) -> dict[str, Any]:
        return {p.name: self.cleaned_data.get(p.name) for p in PARAMETERS[self.kind]}

    def destination_ids(self) -> list[int]:
        return [d.pk for d in self.cleaned_data["destinations"]]

    def add_service_errors(self, errors: list[tuple[str, str]]) -> None:
        for field, message in errors:
            name = field.removeprefix("parameters.")
            self.add_error(name if name in self.fields else None, message)


class DestinationForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=DestinationKind.choices)
    emails = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Email: the addresses, one a line or separated by commas",
    )
    url = forms.CharField(
        required=False,
        max_length=500,
        label="URL",
        help_text="Chat: the incoming-webhook URL (Slack, Mattermost ...). Webhook: your endpoint",
    )

    def email_list(self) -> list[str]:
        raw = self.cleaned_data.get("emails", "")
        return [e.strip() for e in raw.replace(",", "\n").splitlines() if e.strip()]

    def add_service_errors(self, errors: list[tuple[str, str]]) -> None:
        for field, message in errors:
            self.add_error(field if field in self.fields else None, message)
