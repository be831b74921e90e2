from __future__ import annotations

from django import forms

from earful.webhooks.models import EventType


class EndpointForm(forms.Form):
    url = forms.CharField(max_length=500, label="Receiver URL (https://...)")
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        choices=[(t.value, t.label) for t in EventType if t != EventType.PING],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event",
    )
