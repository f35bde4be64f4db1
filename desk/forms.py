"""Forms of the desk: the queue's filters and one small form per ticket action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from customers.models import Contact, Organisation
from desk.models import TicketLink
from desk.selectors import QueueFilters, assignable_staff
from sla.models import Severity, SupportTier
from tickets.models import Ticket, TicketType
from tickets.selectors import REFERENCE

if TYPE_CHECKING:
    from portal.forms import RequestForm


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("All open")),
            ("mine", _("My tickets")),
            ("unassigned", _("Unassigned")),
            ("breached", _("Breached")),
            ("waiting", _("Waiting on customer")),
            ("escalated", _("Escalated")),
        ],
    )
    q = forms.CharField(
        required=False,
        label=_("Search"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Number or words"),
                "title": _("A ticket number, or words from the summary, description or comments"),
            },
        ),
    )
    organisation = forms.ModelChoiceField(
        required=False,
        queryset=Organisation.objects.only("pk", "name"),
        empty_label=_("Any organisation"),
        label=_("Organisation"),
    )
    tier = forms.ModelChoiceField(required=False, queryset=SupportTier.objects.all(), empty_label=_("Any tier"), label=_("Tier"))
    severity = forms.ModelChoiceField(
        required=False, queryset=Severity.objects.all(), empty_label=_("Any severity"), label=_("Severity")
    )
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[
            ("", _("All open")),
            *Ticket.Status.choices,
            ("all", _("Any status")),
        ],
    )
    who = forms.ChoiceField(
        required=False,
        label=_("Assignee"),
        choices=[
            ("", _("Anyone")),
            ("mine", _("Mine")),
            ("unassigned", _("Unassigned")),
        ],
    )
    tag = forms.CharField(
        required=False,
        label=_("Tag"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"list": "known-tags", "autocomplete": "off", "placeholder": _("Any tag")},
        ),
    )
    sla = forms.ChoiceField(
        required=False,
        label=_("SLA"),
        choices=[
            ("", _("Any")),
            ("breached", _("Breached")),
            ("at_risk", _("At risk (past the warning)")),
            ("due_soon", _("Due within 4 hours")),
        ],
    )

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(
            view=data.get("view") or "",
            organisation=data["organisation"].pk if data.get("organisation") else None,
            tier=data["tier"].pk if data.get("tier") else None,
            severity=data["severity"].pk if data.get("severity") else None,
            status=data.get("status") or "",
            who=data.get("who") or "",
            sla=data.get("sla") or "",
            q=data.get("q") or "",
            tag=(data.get("tag") or "").strip().lower(),
        )


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


def _staff_choice(**kwargs: Any) -> forms.ModelChoiceField[User]:
    return StaffChoiceField(queryset=assignable_staff(), label=_("Assignee"), **kwargs)


class AssignForm(forms.Form):
    assignee = _staff_choice(required=False, empty_label=_("Nobody"))


class SeverityForm(forms.Form):
    severity = forms.ModelChoiceField(queryset=Severity.objects.all(), label=_("Severity"), empty_label=None)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Why the severity changes (the customer sees it)")}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Ticket.Status.choices, label=_("Status"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class SendBackForm(forms.Form):
    message = forms.CharField(label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class LinkForm(forms.Form):
    other = forms.CharField(label=_("Ticket"), max_length=32, widget=forms.TextInput(attrs={"placeholder": _("Number, e.g. 1042")}))
    kind = forms.ChoiceField(choices=TicketLink.Kind.choices, label=_("Kind"))

    def clean_other(self) -> int:
        match = REFERENCE.match(self.cleaned_data["other"])
        if not match:
            raise forms.ValidationError(_("Enter a ticket number."))
        return int(match.group(1))


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. carrier-dhl, refunds"), "list": "known-tags", "autocomplete": "off"},
        ),
        help_text=_("Separated by commas or spaces."),
    )


class CcForm(forms.Form):
    contact = forms.IntegerField(label=_("Contact"))
    action = forms.ChoiceField(choices=[("add", _("Add")), ("remove", _("Remove"))])


class MergeForm(forms.Form):
    other = forms.CharField(
        label=_("Merge into"), max_length=32, widget=forms.TextInput(attrs={"placeholder": _("Number of the ticket to keep")})
    )

    def clean_other(self) -> int:
        match = REFERENCE.match(self.cleaned_data["other"])
        if not match:
            raise forms.ValidationError(_("Enter a ticket number."))
        return int(match.group(1))


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("assign", _("Assign")), ("close", _("Close"))])
    tickets = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("Tickets"))
    assignee = _staff_choice(required=False, empty_label=_("Nobody"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The numbers are checked against what the agent may see when they are looked up.
        self.fields["tickets"].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]  # a choice field


class OnBehalfMixin(forms.Form):
    """What an agent adds to a customer's request form when filing it for them."""

    via = forms.ChoiceField(
        label=_("They got in touch"),
        choices=[
            ("phone", _("by phone")),
            ("chat", _("by chat")),
            ("email", _("by email")),
        ],
    )
    received_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("When the customer called or wrote, in your timezone: the SLA clock counts from then."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = Contact.objects.filter(organisation=self.organisation).order_by("name")  # type: ignore[attr-defined]  # RequestForm's
        self.fields["requester_contact"] = ContactChoiceField(
            label=_("For"),
            queryset=contacts,
            empty_label=None,
            help_text=_("The requester: they get the reception mail with the ticket's number."),
        )
        self.fields.pop("attachments", None)
        self.fields["cc_contacts"].help_text = _("They receive a copy of the reception mail and of our replies.")
        order = ["requester_contact", "via", "received_at"]
        self.order_fields(order + [name for name in self.fields if name not in order])


class ContactChoiceField(forms.ModelChoiceField[Contact]):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} <{obj.email}>"


def on_behalf_form_class(*, ticket_type: TicketType, organisation: Organisation) -> type[RequestForm]:
    """The customer's own request form for this type, plus who it is for, the channel and the time."""
    from portal.forms import request_form_class

    base = request_form_class(ticket_type=ticket_type, organisation=organisation)
    return type(f"OnBehalf{base.__name__}", (OnBehalfMixin, base), {})
