from __future__ import annotations

import json

from django import forms

from earful.core.text import CleanTextFormMixin
from earful.ingest.models import Kind
from earful.ingest.selectors import available_sources
from earful.ingest.services.connections import ConnectionInvalid, check_columns, parse_columns

COLUMNS_HELP = (
    "File sources (CSV, JSON) only, optional: which of your columns holds each of our fields, "
    "as our_field=your_column separated by commas (e.g. text=body, external_id=ticket id, "
    "received_at=created) or a JSON object. Left blank, Earful guesses from the headers."
)


def _source_choices() -> list[tuple[str, str]]:
    return [(source.name, source.label) for source in available_sources()]


class ColumnsField(forms.CharField):
    """our_field=their_column,... or a JSON object -> dict."""

    def clean(self, value: str) -> dict[str, str]:  # type: ignore[override]
        text = super().clean(value).strip()
        try:
            if text.startswith("{"):
                loaded = json.loads(text)
                if not isinstance(loaded, dict):
                    raise forms.ValidationError("expected a JSON object")
                return check_columns(loaded)
            return parse_columns(text)
        except ValueError as exc:  # ConnectionInvalid and bad JSON
            message = exc.message if isinstance(exc, ConnectionInvalid) else str(exc)
            raise forms.ValidationError(message) from exc


class UploadForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label="What the file holds")
    source = forms.ChoiceField(choices=_source_choices, label="Exported from")
    file = forms.FileField(label="File")
    columns = ColumnsField(
        required=False,
        label="Column mapping",
        help_text=COLUMNS_HELP,
        widget=forms.TextInput(attrs={"placeholder": "text=body, external_id=id"}),
    )


class ConnectionForm(CleanTextFormMixin, forms.Form):
    source = forms.ChoiceField(choices=_source_choices)
    kind = forms.ChoiceField(
        choices=[("", "The source's own"), *Kind.choices],
        required=False,
        help_text="File sources and generic webhooks bring any kind: choose one.",
    )
    columns = ColumnsField(
        required=False,
        label="Column mapping",
        help_text=COLUMNS_HELP,
        widget=forms.TextInput(attrs={"placeholder": "text=body, external_id=id"}),
    )


def add_service_error(form: forms.Form, exc: ConnectionInvalid) -> None:
    """A service's (field, message) on the form: on the field when the form has it."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
