from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from customers.models import Contact
from notifications.signals import delivery_failed_permanently


@receiver(delivery_failed_permanently)
def mark_contact_failing(sender: Any, email: Any, reason: str, **kwargs: Any) -> None:
    Contact.objects.filter(email__iexact=email.recipient).update(
        delivery_failing_since=timezone.now(), delivery_failure=reason[:500],
    )
