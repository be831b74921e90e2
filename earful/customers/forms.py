from django import forms

from earful.core.text import CleanTextFormMixin


class ImportForm(CleanTextFormMixin, forms.Form):
    file = forms.FileField(label="CSV file")
    skip_invalid = forms.BooleanField(
        required=False, label="Import the valid rows even if some rows have errors"
    )
