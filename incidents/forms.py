from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Organisation
from incidents.models import Component, ComponentStatus, Incident
from notices.models import ProductArea


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        label=_("Components"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Component.objects.filter(showcase=True).select_related("group"),
        help_text=_("Choose none to hear about everything."),
    )


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("Carrier, shop integration or platform feature, and the market if one is affected."))
    message = forms.CharField(label=_("Message"), widget=forms.Textarea)
    market = forms.CharField(label=_("Market"), max_length=60, required=False)
    cause = forms.ChoiceField(label=_("Cause"), choices=Incident.Cause.choices, initial=Incident.Cause.UNKNOWN,
                              help_text=_("A code change publishes the incident at once."))
    status = forms.ChoiceField(label=_("Status"), choices=[(s.value, s.label) for s in Incident.OPEN_STATUSES])
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        label=_("Affected components"), required=False, queryset=Component.objects.select_related("group"),
        widget=forms.CheckboxSelectMultiple,
    )
    impact = forms.ChoiceField(label=_("Impact on them"), choices=ComponentStatus.choices, initial=ComponentStatus.PARTIAL_OUTAGE)
    publish_now = forms.BooleanField(label=_("Publish now"), required=False, initial=True,
                                     help_text=_("Otherwise it goes public once it has lasted 30 minutes and is still open."))


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    message = forms.CharField(label=_("Message"), widget=forms.Textarea)
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        label=_("Change the impact on"), required=False, queryset=Component.objects.select_related("group"),
        widget=forms.CheckboxSelectMultiple,
    )
    impact = forms.ChoiceField(label=_("New impact"), choices=ComponentStatus.choices, required=False)

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = Incident.MAINTENANCE_STATUSES if incident.is_maintenance else Incident.INCIDENT_STATUSES
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(s.value, s.label) for s in statuses]
        self.fields["status"].initial = incident.status


class MaintenanceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea)
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(label=_("Components under maintenance"),
                                                queryset=Component.objects.select_related("group"),
                                                widget=forms.CheckboxSelectMultiple)
    scheduled_for = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                        help_text=_("In your timezone."))
    scheduled_until = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("scheduled_for"), data.get("scheduled_until")
        if start and end and end <= start:
            self.add_error("scheduled_until", _("The window must end after it starts."))
        return data


class ComponentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComponentStatus.choices)


class LinkOrganisationsForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Link organisations"), queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Each gets a notice of its own: an Alert while a component is impaired, otherwise a Warning."),
    )
    area = forms.ModelChoiceField(label=_("Product area"), queryset=ProductArea.objects.filter(active=True),
                                  empty_label=_("Choose…"))
    call_to_action = forms.CharField(
        label=_("Call to action"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the customer must do. Empty: the email says we are working on it."),
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Organisation.objects.filter(contract_active=True)
        # Offer only those not linked yet, but accept a linked one (a second tab, a double click): the service
        # then answers that nothing was sent again, instead of a puzzling "not a valid choice".
        linked = set(incident.organisation_links.values_list("organisation_id", flat=True))
        field.widget.choices = [(o.pk, o.name) for o in field.queryset if o.pk not in linked]
