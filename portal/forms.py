"""Portal forms. The request form is generated from the ticket type's fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customers.access import access_window_check
from customers.models import AccessGrant, Contact, Environment, Organisation
from customers.services import contact_role_check
from sla.models import Severity
from tickets.attachments import MAX_FILES
from tickets.filing import issue_window_check
from tickets.models import SatisfactionRating, Ticket, TicketField, TicketType
from tickets.richtext import admin_html
from tickets.selectors import tickets_search
from tickets.services import attachment_validate
from tickets.severity_suggest import Environment as SuggestEnvironment
from tickets.severity_suggest import Impact

DETAIL_PREFIX = "detail_"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked for size and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("Attach at most %(count)s files at a time.") % {"count": MAX_FILES})
        errors = []
        for upload in uploads:
            try:
                attachment_validate(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


def attachments_field() -> MultipleFileField:
    from django.template.defaultfilters import filesizeformat

    return MultipleFileField(
        label=_("Attachments"),
        help_text=_("Screenshots, logs, audit events, GraphQL queries… Up to %(count)s files of at most %(size)s each.")
        % {"count": MAX_FILES, "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
    )


class UtcDateTimeField(forms.DateTimeField):
    """A date and time typed in UTC, whatever the viewer's timezone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "data-utc": "true"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(UTC).replace(tzinfo=None)
        return value


class OrdersWidget(forms.MultiWidget):
    template_name = "portal/widgets/orders.html"

    def __init__(self) -> None:
        super().__init__(
            [
                forms.Textarea(attrs={"rows": 3}),
                forms.RadioSelect(
                    choices=[
                        ("complete", _("This is the complete list")),
                        ("examples", _("These are examples")),
                    ]
                ),
                forms.NumberInput(attrs={"min": 0}),
            ]
        )

    def id_for_label(self, id_: str) -> str:
        # The field's label names the list of orders, so it points at the textarea.
        return f"{id_}_0" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return ["\n".join(value.get("orders", [])), value.get("scope"), value.get("estimated_total")]
        return ["", "complete", None]


class OrdersField(forms.MultiValueField):
    """Impacted orders: a list, and whether it is complete or examples with an estimated total."""

    widget = OrdersWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = (
            forms.CharField(required=False),
            forms.ChoiceField(required=False, choices=[("complete", "complete"), ("examples", "examples")]),
            forms.IntegerField(required=False, min_value=0),
        )
        super().__init__(fields, *args, require_all_fields=False, **kwargs)

    def compress(self, data_list: Sequence[Any]) -> dict[str, Any] | None:
        if not data_list or not (data_list[0] or "").strip():
            return None
        return {"orders": data_list[0], "scope": data_list[1] or "complete", "estimated_total": data_list[2]}


class SeverityChoiceField(forms.ModelChoiceField[Severity]):
    """Each severity with its definition beside it, as customers choose."""

    def label_from_instance(self, obj: Severity) -> str:
        return format_html('<strong>{}</strong> <span class="definition">{}</span>', obj.name, obj.definition)


def _detail_field(field: TicketField) -> forms.Field:
    # Help is shown as HTML (admins may write a link); sanitised, it can never carry script.
    common: dict[str, Any] = {"label": field.label, "required": field.required, "help_text": admin_html(field.help_text)}
    kind = field.kind
    if kind == TicketField.Kind.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == TicketField.Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *field.choice_pairs()], **common)
    if kind == TicketField.Kind.DATETIME:
        return UtcDateTimeField(**common)
    if kind in (TicketField.Kind.ID_LIST, TicketField.Kind.RETAILER_IDS):
        return forms.CharField(widget=forms.TextInput(attrs={"placeholder": "R1, R2, R3"}), **common)
    if kind == TicketField.Kind.INTEGER:
        return forms.IntegerField(min_value=0, **common)
    if kind == TicketField.Kind.EMAIL:
        return forms.EmailField(**common)
    if kind == TicketField.Kind.BOOLEAN:
        common["required"] = False
        return forms.BooleanField(**common)
    if kind == TicketField.Kind.ORDER_LIST:
        return OrdersField(**common)
    return forms.CharField(max_length=500, **common)


class RequestForm(forms.Form):
    """The fixed part of every request; ``request_form_class`` adds the type's fields."""

    summary = forms.CharField(label=_("Summary"), max_length=255)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A detailed description of the issue: please give as much information as you can."),
    )

    ticket_type: TicketType
    organisation: Organisation
    ticket_fields: list[TicketField]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = Contact.objects.filter(organisation=self.organisation).order_by("name")
        self.fields["cc_contacts"] = forms.ModelMultipleChoiceField(
            label=_("Copy these contacts"),
            queryset=contacts,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("They receive a copy of the confirmation and of our replies."),
        )
        self.fields["attachments"] = attachments_field()

    @property
    def detail_names(self) -> list[str]:
        return [DETAIL_PREFIX + field.key for field in self.ticket_fields]

    def skip_validation(self) -> None:
        """Re-show what was typed without judging it (the severity helper's round trip)."""
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        from tickets.details import details_clean

        data = {}
        for field in self.ticket_fields:
            name = DETAIL_PREFIX + field.key
            if name in self.errors:
                continue
            value = cleaned.get(name)
            if isinstance(value, datetime):
                value = value.isoformat()
            data[field.key] = value
        checked = [f for f in self.ticket_fields if DETAIL_PREFIX + f.key not in self.errors]
        try:
            cleaned["details"] = details_clean(fields=checked, data=data, organisation=self.organisation)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(DETAIL_PREFIX + key if key in {f.key for f in checked} else None, messages)
        if "details" in cleaned:
            try:
                issue_window_check(details=cleaned["details"])
            except ValidationError as exc:
                self.add_service_error(exc)
        return cleaned

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a refusal of filing beside the question it is about (details are keyed without the prefix)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        keys = {field.key for field in self.ticket_fields}
        for key, errors in exc.error_dict.items():
            name = DETAIL_PREFIX + key if key in keys else key
            self.add_error(name if name in self.fields else None, errors)


def request_form_class(*, ticket_type: TicketType, organisation: Organisation) -> type[RequestForm]:
    """A form class for one type of request, built from its field rows."""
    ticket_fields = list(ticket_type.fields.all())
    attrs: dict[str, Any] = {
        "ticket_type": ticket_type,
        "organisation": organisation,
        "ticket_fields": ticket_fields,
    }
    if ticket_type.asks_severity:
        attrs["severity"] = SeverityChoiceField(
            label=_("Severity"),
            queryset=Severity.objects.order_by("level"),
            widget=forms.RadioSelect,
            empty_label=None,
            help_text=_("How badly this affects your business, by the definitions below. We may review it."),
        )
    environments = Environment.objects.filter(organisation=organisation)
    if ticket_type.environment_kind:
        environments = environments.filter(kind=ticket_type.environment_kind)
    if ticket_type.environment_kind or ticket_type.category in (TicketType.Category.ISSUE, TicketType.Category.QUESTION):
        attrs["environment"] = forms.ModelChoiceField(
            label=_("Environment"),
            queryset=environments,
            empty_label=None if environments.count() == 1 else "—",
        )
    for field in ticket_fields:
        attrs[DETAIL_PREFIX + field.key] = _detail_field(field)
    return type(f"{ticket_type.slug.title().replace('-', '')}RequestForm", (RequestForm,), attrs)


class SeverityHelperForm(forms.Form):
    """The "help me choose" questions (seed 003's P1–P4)."""

    environment = forms.ChoiceField(
        label=_("Where is the problem?"),
        widget=forms.RadioSelect,
        initial=SuggestEnvironment.PRODUCTION,
        choices=[(SuggestEnvironment.PRODUCTION, _("Production")), (SuggestEnvironment.TEST, _("Test / sandbox"))],
    )
    impact = forms.ChoiceField(
        label=_("What is unavailable?"),
        widget=forms.RadioSelect,
        initial=Impact.PARTIAL,
        choices=[
            (Impact.TOTAL, _("Everything: the environment or the platform's connectors are down")),
            (Impact.PARTIAL, _("Part of it: some features, or performance is degraded")),
            (Impact.NONE, _("Nothing is unavailable")),
        ],
    )
    workaround = forms.TypedChoiceField(
        label=_("Is there a workaround?"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        initial="no",
        choices=[("no", _("No")), ("yes", _("Yes, we can work around it for now"))],
    )
    question = forms.BooleanField(label=_("It is just a question, a request or guidance"), required=False)


class CommentForm(forms.Form):
    """A comment is words, files, or both."""

    body = forms.CharField(label=_("Add a comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, kept_files: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = attachments_field()
        self.kept_files = kept_files  # files kept from an earlier try (tickets.drafts)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        has_files = cleaned.get("attachments") or self.kept_files or "attachments" in self.errors
        if not (cleaned.get("body") or "").strip() and not has_files:
            self.add_error("body", _("Write a comment or choose a file."))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            ("customer", _("Customer: files and follows their own requests")),
            ("admin", _("Organisation admin: also sees all requests, manages contacts, people and support access")),
        ],
        initial="customer",
        widget=forms.RadioSelect,
    )


class RatingForm(forms.Form):
    score = forms.ChoiceField(label=_("How did we do?"), choices=SatisfactionRating.Score.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TicketFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is read as Any until its stubs are pinned
    """The filters and search of "My requests"."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Ticket.Status.choices, empty_label=_("Any status"))
    ticket_type = django_filters.ModelChoiceFilter(
        label=_("Type"),
        queryset=TicketType.objects.filter(active=True),
        empty_label=_("Any type"),
    )
    severity = django_filters.ModelChoiceFilter(
        label=_("Severity"),
        queryset=Severity.objects.order_by("level"),
        empty_label=_("Any severity"),
    )

    class Meta:
        model = Ticket
        fields = ["q", "status", "ticket_type", "severity"]

    def search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return tickets_search(queryset, text=value, user=self.request.user)


class ContactForm(forms.ModelForm[Contact]):
    """An organisation admin's view of a contact; one registered emergency contact, always."""

    class Meta:
        model = Contact
        fields = ["kind", "name", "email", "phone", "language", "emergency_role", "emergency_order"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["emergency_order"].help_text = _("Order among the additional emergency contacts (1 is first).")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "emergency_role" in cleaned:
            try:
                contact_role_check(
                    organisation=self.organisation,
                    contact=self.instance if self.instance.pk else None,
                    emergency_role=cleaned["emergency_role"],
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned

    def validate_unique(self) -> None:
        # The organisation is not a form field, so Django would skip the
        # per-organisation constraints; check them with it set.
        try:
            self.instance.validate_constraints(exclude={"emergency_role"} if "emergency_role" in self.errors else None)
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]  # Django's own way to file errors from validate_unique(), unstubbed


class AccessGrantForm(forms.ModelForm[AccessGrant]):
    """Seed 003: support reads only, unless an authorised account grants more."""

    starts_at = UtcDateTimeField(label=_("From (UTC)"))
    ends_at = UtcDateTimeField(label=_("Until (UTC)"))

    class Meta:
        model = AccessGrant
        fields = ["environment", "level", "starts_at", "ends_at", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3}), "level": forms.RadioSelect}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        environment = self.fields["environment"]
        assert isinstance(environment, forms.ModelChoiceField)  # the form field of a foreign key
        environment.queryset = Environment.objects.filter(organisation=organisation)
        environment.empty_label = None
        self.fields["reason"].help_text = _("What the support team may do with this access, for example the ticket it is for.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end:
            try:
                access_window_check(starts_at=start, ends_at=end)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class AccessLogFilter(forms.Form):
    """Filters of the organisation's access transparency log; anything invalid is simply not applied."""

    action = forms.ChoiceField(label=_("What"), required=False)
    who = forms.ChoiceField(label=_("Who"), required=False)
    ticket = forms.CharField(label=_("Ticket"), required=False, max_length=40)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from audit.models import AccessRecord

        action, who = self.fields["action"], self.fields["who"]
        assert isinstance(action, forms.ChoiceField) and isinstance(who, forms.ChoiceField)  # declared above
        action.choices = [("", _("Anything")), *AccessRecord.Action.choices]
        who.choices = [("", _("Anyone")), *((name, name) for name in people)]

    def filters(self) -> Any:
        from audit.access_log import AccessFilters

        if not self.is_valid():
            return AccessFilters()
        data = self.cleaned_data
        return AccessFilters(
            action=data["action"], actor_label=data["who"], ticket_reference=data["ticket"], since=data["since"], until=data["until"]
        )
