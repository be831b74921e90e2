from __future__ import annotations

from django import forms

from earful.core.text import CleanTextFormMixin
from earful.outreach.selectors import Segment


class InviteForm(CleanTextFormMixin, forms.Form):
    customers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="External ids, separated by commas, spaces or new lines. Empty: use the segment.",
    )
    account = forms.CharField(required=False, max_length=200)
    attribute = forms.CharField(
        required=False, max_length=200, help_text="name=value, e.g. plan=Pro"
    )
    event = forms.CharField(required=False, max_length=100, help_text="e.g. purchase")
    event_within_days = forms.IntegerField(required=False, min_value=0)

    def clean_attribute(self) -> str:
        value: str = self.cleaned_data["attribute"].strip()
        if value and "=" not in value:
            raise forms.ValidationError("write it as name=value")
        return value

    def external_ids(self) -> list[str] | None:
        text = self.cleaned_data["customers"].replace(",", " ").split()
        return text or None

    def segment(self) -> Segment:
        data = self.cleaned_data
        attributes = dict([data["attribute"].split("=", 1)]) if data["attribute"] else {}
        return Segment(
            attributes={k.strip(): v.strip() for k, v in attributes.items()},
            account=data["account"].strip(),
            event=data["event"].strip(),
            event_within_days=data["event_within_days"],
        )
