from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from audit.access_log import access_record
from audit.admin import AuditedAdmin
from audit.models import AccessRecord
from customers.models import Contact, Environment, Membership, Organisation, TierPeriod
from customers.services import (
    contact_make_registered,
    contact_remove_check,
    contact_role_changed,
    contact_role_check,
    stored_roles,
)
from incidents.models import Component
from retention.privacy import contact_erase, contact_export, organisation_export


def json_download(data: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _exactly_one(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any], message: str = "") -> Any:
    if queryset.count() != 1:
        modeladmin.message_user(request, message or _("Choose exactly one to export."), level="error")
        return None
    return queryset.get()


class ContactFormSet(BaseInlineFormSet[Contact, Organisation, forms.ModelForm[Contact]]):
    """An organisation with contacts has exactly one registered emergency contact."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data for form in self.forms if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        registered = [data for data in kept if data.get("emergency_role") == Contact.EmergencyRole.REGISTERED]
        if len(registered) > 1:
            raise ValidationError(
                _("Only one contact can be the registered emergency contact; %(names)s are all marked.")
                % {"names": ", ".join(data["name"] for data in registered)}
            )
        if kept and not registered:
            raise ValidationError(_("Mark one contact as the registered emergency contact."))


class ContactInline(admin.TabularInline[Contact, Organisation]):
    model = Contact
    formset = ContactFormSet
    extra = 0
    fields = ["name", "kind", "email", "phone", "language", "emergency_role", "emergency_order", "user", "delivery_failing_since"]
    readonly_fields = ["delivery_failing_since"]
    raw_id_fields = ["user"]


class EnvironmentInline(admin.TabularInline[Environment, Organisation]):
    model = Environment
    extra = 0


class TierPeriodInline(admin.TabularInline[TierPeriod, Organisation]):
    """The tier history, read-only: only a change of the tier field above writes it."""

    model = TierPeriod
    extra = 0
    fields = ("tier", "valid_from", "valid_until", "changed_by")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("Tier history")

    def has_add_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return False


class StatusComponentInline(admin.TabularInline[Any, Organisation]):  # the through model of Component.organisations
    """The status-page components the organisation uses: their open incidents show in its portal."""

    model = Component.organisations.through
    extra = 0
    autocomplete_fields = ["component"]
    verbose_name = gettext_lazy("status-page component it uses")
    verbose_name_plural = gettext_lazy("status-page components it uses")


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "account_id", "tier", "contract_active", "timezone", "account_executive_name"]
    list_filter = ["tier", "contract_active", "language"]
    search_fields = ["name", "account_id", "retailer_ids", "contacts__email"]
    list_select_related = ["tier"]
    inlines = [EnvironmentInline, ContactInline, MembershipInline, StatusComponentInline]
    fieldsets = [
        (None, {"fields": ["name", "account_id", "tier", "contract_active", "retailer_ids"]}),
        (_("Locale and hours"), {"fields": ["timezone", "language", "calendar"]}),
        (_("People"), {"fields": ["account_executive_name", "account_executive_email", "escalation_email"]}),
    ]
    actions = ["export_data", "apply_tier_to_open_tickets"]

    def get_inlines(self, request: HttpRequest, obj: Organisation | None) -> list[type[InlineModelAdmin[Any, Any]]]:
        # The tier history is read-only, and only shown once there is one.
        if obj is not None and obj.tier_periods.exists():
            return [*self.inlines, TierPeriodInline]
        return list(self.inlines)

    @admin.action(description=gettext_lazy("Export all data (data privacy request)"))
    def export_data(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> HttpResponse | None:
        organisation = _exactly_one(self, request, queryset)
        if organisation is None:
            return None
        access_record(
            request=request,
            actor=request.user,
            organisation=organisation,
            action=AccessRecord.Action.DATA_EXPORTED,
            object_label=organisation.name,
        )
        return json_download(organisation_export(organisation=organisation), f"organisation-{organisation.account_id}.json")

    @admin.action(description=gettext_lazy("Apply the organisation's tier to its open tickets (preview first)"))
    def apply_tier_to_open_tickets(
        self,
        request: AuthenticatedHttpRequest,
        queryset: QuerySet[Organisation],
    ) -> TemplateResponse | None:
        from sla.admin_entitlements import apply_to_open_tickets

        explanation = _(
            "A new tier applies to tickets filed from the change on. Applied here, the open tickets "
            "of these organisations take their current tier's targets, keeping the business time "
            "already counted."
        )
        return apply_to_open_tickets(self, request, queryset, scope="organisations", explanation=explanation)

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Organisation],
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        """A contact made the registered emergency contact here is told, as from the portal."""
        if formset.model is not Contact:
            super().save_formset(request, form, formset, change)
            return
        before = stored_roles([f.instance.pk for f in formset.forms if f.instance.pk])
        super().save_formset(request, form, formset, change)
        for contact in formset.new_objects + [changed for changed, _fields in formset.changed_objects]:
            contact_role_changed(contact=contact, previous_role=before.get(contact.pk, ""))

    def save_model(self, request: HttpRequest, obj: Organisation, form: forms.ModelForm[Organisation], change: bool) -> None:
        """A new tier goes through organisation_tier_change (history kept; new tickets only)."""
        from customers.tiers import organisation_tier_change

        new_tier = obj.tier
        if change and "tier" in form.changed_data:
            obj.tier_id = form.initial["tier"]
        super().save_model(request, obj, form, change)
        if change and "tier" in form.changed_data:
            assert isinstance(request.user, User)  # the admin site lets in signed-in staff only
            organisation_tier_change(organisation=obj, tier=new_tier, actor=request.user)


class ContactAdminForm(forms.ModelForm[Contact]):
    """The emergency roles follow the same rule as in the portal and the API."""

    class Meta:
        model = Contact
        fields = ["organisation", "kind", "name", "email", "phone", "language", "emergency_role", "emergency_order", "user"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        organisation = cleaned.get("organisation")
        if organisation is not None and "emergency_role" in cleaned:
            try:
                contact_role_check(
                    organisation=organisation,
                    contact=self.instance if self.instance.pk else None,
                    emergency_role=cleaned["emergency_role"],
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    form = ContactAdminForm
    list_display = ["name", "email", "organisation", "kind", "emergency_role", "delivery_failing_since"]
    list_filter = ["kind", "emergency_role", ("delivery_failing_since", admin.EmptyFieldListFilter), "organisation"]
    search_fields = ["name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
    readonly_fields = ["delivery_failing_since", "delivery_failure"]
    actions = ["export_data", "erase_personal_data", "make_registered"]

    def has_delete_permission(self, request: HttpRequest, obj: Contact | None = None) -> bool:
        # The delete page, the bulk action and cascades all ask this per contact.
        if obj is not None:
            try:
                contact_remove_check(contact=obj)
            except ValidationError:
                return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj: Contact, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        previous_role = stored_roles([obj.pk]).get(obj.pk, "") if obj.pk else ""
        super().save_model(request, obj, form, change)
        contact_role_changed(contact=obj, previous_role=previous_role)

    @admin.action(description=gettext_lazy("Make the registered emergency contact"))
    def make_registered(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        contact = _exactly_one(self, request, queryset, _("Choose exactly one contact."))
        if contact is not None:
            contact_make_registered(contact=contact)
            self.message_user(request, _("%(name)s is now the registered emergency contact.") % {"name": contact.name})

    @admin.action(description=gettext_lazy("Export the contact's data (data privacy request)"))
    def export_data(self, request: HttpRequest, queryset: QuerySet[Contact]) -> HttpResponse | None:
        contact = _exactly_one(self, request, queryset)
        if contact is None:
            return None
        access_record(
            request=request,
            actor=request.user,
            organisation=contact.organisation,
            action=AccessRecord.Action.DATA_EXPORTED,
            object_label=contact.name,
        )
        return json_download(contact_export(contact=contact), f"contact-{contact.pk}.json")

    @admin.action(description=gettext_lazy("Erase personal data, keeping tickets pseudonymised"))
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[Contact]) -> TemplateResponse | None:
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Erase personal data?"),
                "contacts": queryset.select_related("organisation"),
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/customers/contact/erase_confirmation.html", context)
        for contact in queryset:
            contact_erase(contact=contact)
        self.message_user(request, _("Erased the personal data of %(count)d contact(s).") % {"count": len(queryset)})
        return None
