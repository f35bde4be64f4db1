from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EscalationForm(forms.Form):
    """What seed 003 asks of a customer escalation: the problem, the environment, and why."""

    description = forms.CharField(
        label=_("Description of the problem"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    environment = forms.CharField(
        label=_("Environment"),
        max_length=100,
        help_text=_("Production or test, for example live1 or test1."),
    )
    justification = forms.CharField(
        label=_("Why do you escalate?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_(
            "For example: something contradicts what you expected, the situation changed, "
            "or you want someone besides the assigned engineer to look at it."
        ),
    )
