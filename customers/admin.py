from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from audit.admin import AuditedAdmin
from customers.models import Contact, Environment, Membership, Organisation


class ContactFormSet(BaseInlineFormSet):
    """An organisation with contacts has exactly one registered emergency contact."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        registered = [data for data in kept if data.get("emergency_role") == Contact.EmergencyRole.REGISTERED]
        if len(registered) > 1:
            raise ValidationError(
                _("Only one contact can be the registered emergency contact; %(names)s are all marked.")
                % {"names": ", ".join(data["name"] for data in registered)}
            )
        if kept and not registered:
            raise ValidationError(_("Mark one contact as the registered emergency contact."))


class ContactInline(admin.TabularInline):
    model = Contact
    formset = ContactFormSet
    extra = 0
    fields = ["name", "kind", "email", "phone", "language", "emergency_role", "emergency_order", "user", "delivery_failing_since"]
    readonly_fields = ["delivery_failing_since"]
    raw_id_fields = ["user"]


class EnvironmentInline(admin.TabularInline):
    model = Environment
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "account_id", "tier", "contract_active", "timezone", "account_executive_name"]
    list_filter = ["tier", "contract_active", "language"]
    search_fields = ["name", "account_id", "retailer_ids", "contacts__email"]
    list_select_related = ["tier"]
    inlines = [EnvironmentInline, ContactInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "account_id", "tier", "contract_active", "retailer_ids"]}),
        (_("Locale and hours"), {"fields": ["timezone", "language", "calendar"]}),
        (_("People"), {"fields": ["account_executive_name", "account_executive_email", "escalation_email"]}),
    ]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["name", "email", "organisation", "kind", "emergency_role", "delivery_failing_since"]
    list_filter = ["kind", "emergency_role", ("delivery_failing_since", admin.EmptyFieldListFilter), "organisation"]
    search_fields = ["name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
    readonly_fields = ["delivery_failing_since", "delivery_failure"]
