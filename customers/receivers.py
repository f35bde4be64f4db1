from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from accounts.signals import password_reset_asked
from customers.contact_accounts import contact_account_offers_queue
from customers.models import Contact
from notifications.signals import delivery_failed_permanently


@receiver(delivery_failed_permanently)
def mark_contact_failing(sender: Any, email: Any, reason: str, **kwargs: Any) -> None:
    Contact.objects.filter(email__iexact=email.recipient).update(
        delivery_failing_since=timezone.now(),
        delivery_failure=reason[:500],
    )


@receiver(password_reset_asked)
def offer_contacts_a_login(sender: Any, email: str, **kwargs: Any) -> None:
    contact_account_offers_queue(email=email)
