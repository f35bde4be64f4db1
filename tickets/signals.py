"""Signals other apps listen to, so that tickets need not know them."""

from django.dispatch import Signal

# Sent inside the transaction that records a timeline entry; receivers get ``event``.
ticket_event_recorded = Signal()

# Sent inside the transaction of a customer's comment on a ticket that nobody is assigned to
# (or whose assignee can no longer act), with ``ticket`` and ``comment``: the desk's unassigned
# attention. The team address is mailed as well.
customer_comment_unattended = Signal()
