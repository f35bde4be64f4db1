"""Validating a notice, from an agent's form or from monitoring's JSON."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Environment, Organisation
from notices.models import Notice, ProductArea


class _NoticeFields(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Notice.Kind.choices,
        help_text=_("Alert: action is required, sent at once day or night. Warning: to be addressed, sent in business hours."),
    )
    environment = forms.CharField(
        label=_("Environment"),
        max_length=64,
        required=False,
        help_text=_("For example live1 or test1. Empty: not tied to one environment."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What we detected"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    call_to_action = forms.CharField(
        label=_("Call to action"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the customer must do. Leave empty when we are working on it: the email then says so."),
    )
    idempotency_key = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def chosen_organisation(self) -> Organisation | None:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean answers cleaned_data
        organisation = self.chosen_organisation()
        name = (data.get("environment") or "").strip()
        data["environment"] = None
        if organisation is not None and name:
            environment = Environment.objects.filter(organisation=organisation, name__iexact=name).first()
            if environment is None:
                known = ", ".join(organisation.environments.values_list("name", flat=True)) or "—"
                self.add_error(
                    "environment",
                    _("%(organisation)s has no environment “%(name)s”; it has: %(known)s.")
                    % {
                        "organisation": organisation.name,
                        "name": name,
                        "known": known,
                    },
                )
            data["environment"] = environment
        return data


class NoticeForm(_NoticeFields):
    """An agent raises a notice in the desk."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(contract_active=True),
        empty_label=_("Choose…"),
    )
    area: forms.ModelChoiceField[ProductArea] = forms.ModelChoiceField(
        label=_("Product area"),
        queryset=ProductArea.objects.filter(active=True),
        empty_label=_("Choose…"),
    )

    field_order = ["organisation", "kind", "area", "environment", "title", "description", "call_to_action"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.attrs["data-reload-param"] = "organisation"
        self.fields["environment"].widget.attrs["list"] = "environment-names"
        self.fields["kind"].widget = forms.RadioSelect(choices=Notice.Kind.choices)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def chosen_organisation(self) -> Organisation | None:
        return self.cleaned_data.get("organisation")


class NoticeApiForm(_NoticeFields):
    """Monitoring raises a notice: the organisation by account id, the area by name."""

    account_id = forms.CharField(max_length=64)
    area = forms.CharField(max_length=100)

    def clean_account_id(self) -> Organisation:
        account_id = self.cleaned_data["account_id"].strip()
        organisation: Organisation | None = Organisation.objects.filter(account_id=account_id, contract_active=True).first()
        if organisation is None:
            raise forms.ValidationError(_("No organisation with an active contract has the account id “%(id)s”.") % {"id": account_id})
        return organisation

    def clean_area(self) -> ProductArea:
        name = self.cleaned_data["area"].strip()
        # Monitoring names an area in English or in the language it asked for.
        area = ProductArea.objects.filter(Q(name_en__iexact=name) | Q(name__iexact=name), active=True).first()
        if area is None:
            known = ", ".join(ProductArea.objects.filter(active=True).values_list("name", flat=True))
            raise forms.ValidationError(_("Unknown product area “%(name)s”; use one of: %(known)s.") % {"name": name, "known": known})
        return area

    def chosen_organisation(self) -> Organisation | None:
        organisation: Organisation | None = self.cleaned_data.get("account_id")
        return organisation


class NoticeUpdateForm(forms.Form):
    body = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    call_to_action = forms.CharField(
        label=_("Call to action"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: the email says we are still working on it."),
    )


class HeldCancelForm(forms.Form):
    event_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class HeldReleaseForm(forms.Form):
    event_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
