from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Organisation
from incidents.models import Component, ComponentStatus, Incident
from notices.models import ProductArea


class ComponentChoiceForm(forms.Form):
    """Components to follow, shown under the status page's groups, each group with a box that takes the whole group.

    Without script the group box still works: the form remembers which groups
    were whole when it was shown (``shown_whole``), so ticking a group's box
    adds all of it and unticking a whole group's box drops all of it. With
    script the boxes follow each other in the page and ``scripted`` says the
    component boxes alone are the answer.
    """

    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        label=_("Components"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        queryset=Component.objects.filter(showcase=True).select_related("group"),
        help_text=_("Choose none to hear about everything."),
    )
    groups = forms.MultipleChoiceField(label=_("Whole groups"), required=False, widget=forms.CheckboxSelectMultiple)
    shown_whole = forms.CharField(required=False, widget=forms.HiddenInput)
    scripted = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        components = self.fields["components"]
        assert isinstance(components, forms.ModelMultipleChoiceField)  # declared above
        assert components.queryset is not None  # declared above with one
        self.choosable: list[Component] = list(components.queryset)
        self.members: dict[int, list[Component]] = {}
        self.group_names: dict[int, str] = {}
        for item in self.choosable:
            if item.group is not None:
                self.members.setdefault(item.group.pk, []).append(item)
                self.group_names[item.group.pk] = item.group.name
        groups = self.fields["groups"]
        assert isinstance(groups, forms.MultipleChoiceField)  # declared above
        groups.choices = [(str(pk), name) for pk, name in self.group_names.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = {item.pk for item in data.get("components") or []}
        if not data.get("scripted"):
            ticked = {int(pk) for pk in data.get("groups") or []}
            were_whole = {int(pk) for pk in str(data.get("shown_whole") or "").split(",") if pk.strip().isdigit()}
            for pk, members in self.members.items():
                if pk in ticked and pk not in were_whole:
                    chosen |= {item.pk for item in members}
                elif pk in were_whole and pk not in ticked:
                    chosen -= {item.pk for item in members}
        data["components"] = [item for item in self.choosable if item.pk in chosen]
        return data

    def selected_ids(self) -> set[int]:
        """What the boxes show ticked: the answer once cleaned, otherwise what was sent or the initial choice."""
        if self.is_bound and hasattr(self, "cleaned_data") and "components" in self.cleaned_data:
            return {item.pk for item in self.cleaned_data["components"]}
        if self.is_bound:
            sent = self.data.getlist(self.add_prefix("components"))  # type: ignore[attr-defined]  # bound to a QueryDict
            return {int(pk) for pk in sent if str(pk).isdigit()}
        return {getattr(item, "pk", item) for item in self.initial.get("components") or []}

    def picker(self) -> dict[str, Any]:
        """The groups in the status page's order, each with its components and whether all of them are ticked."""
        selected = self.selected_ids()
        groups, ungrouped = [], []
        for pk, members in self.members.items():
            groups.append(
                {
                    "pk": pk,
                    "name": self.group_names[pk],
                    "whole": all(item.pk in selected for item in members),
                    "components": [(item, item.pk in selected) for item in members],
                }
            )
        ungrouped = [(item, item.pk in selected) for item in self.choosable if item.group_id is None]
        return {
            "groups": groups,
            "ungrouped": ungrouped,
            "shown_whole": ",".join(str(group["pk"]) for group in groups if group["whole"]),
        }


class SubscribeForm(ComponentChoiceForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)

    field_order = ["email", "components"]


class IncidentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Carrier, shop integration or platform feature, and the market if one is affected."),
    )
    message = forms.CharField(label=_("Message"), widget=forms.Textarea)
    market = forms.CharField(label=_("Market"), max_length=60, required=False)
    cause = forms.ChoiceField(
        label=_("Cause"),
        choices=Incident.Cause.choices,
        initial=Incident.Cause.UNKNOWN,
        help_text=_("A code change publishes the incident at once."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=[(s.value, s.label) for s in Incident.OPEN_STATUSES])
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        label=_("Affected components"),
        required=False,
        queryset=Component.objects.select_related("group"),
        widget=forms.CheckboxSelectMultiple,
    )
    impact = forms.ChoiceField(label=_("Impact on them"), choices=ComponentStatus.choices, initial=ComponentStatus.PARTIAL_OUTAGE)
    publish_now = forms.BooleanField(
        label=_("Publish now"),
        required=False,
        initial=True,
        help_text=_("Otherwise it goes public once it has lasted 30 minutes and is still open."),
    )


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    message = forms.CharField(label=_("Message"), widget=forms.Textarea)
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        label=_("Change the impact on"),
        required=False,
        queryset=Component.objects.select_related("group"),
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
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        label=_("Components under maintenance"),
        queryset=Component.objects.select_related("group"),
        widget=forms.CheckboxSelectMultiple,
    )
    scheduled_for = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text=_("In your timezone.")
    )
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
        label=_("Link organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Each gets a notice of its own: an Alert while a component is impaired, otherwise a Warning."),
    )
    area = forms.ModelChoiceField(label=_("Product area"), queryset=ProductArea.objects.filter(active=True), empty_label=_("Choose…"))
    call_to_action = forms.CharField(
        label=_("Call to action"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
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
