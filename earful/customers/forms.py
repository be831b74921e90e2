from django import forms


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file")
    skip_invalid = forms.BooleanField(
        required=False, label="Import the valid rows even if some rows have errors"
    )
