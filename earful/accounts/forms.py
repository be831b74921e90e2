from django import forms

from earful.accounts.roles import Role
from earful.core.text import CleanTextFormMixin


class TokenForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(max_length=100, label="Token name", initial="My token")
    scope = forms.ChoiceField(
        choices=[("write", "Read and write"), ("read", "Read only")],
        initial="write",
        required=False,
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MemberForm(CleanTextFormMixin, forms.Form):
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class RoleForm(CleanTextFormMixin, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
