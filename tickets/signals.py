"""Signals other apps listen to, so that tickets need not know them."""

from django.dispatch import Signal

# Sent inside the transaction that records a timeline entry; receivers get ``event``.
ticket_event_recorded = Signal()
