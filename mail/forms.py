from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Organisation


class LinkForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        label=_("Organisation"),
        widget=forms.Select(attrs={"class": "input"}),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6, "class": "input"}), max_length=20000)
