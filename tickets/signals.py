"""Signals other apps listen to, so that tickets need not know them."""

from django.dispatch import Signal

# Sent inside the transaction that records a timeline entry; receivers get ``event``.
ticket_event_recorded = Signal()

# Sent right after ``ticket_event_recorded`` has been handled, in the same transaction, with ``event``: for
# what writes timeline entries of its own in reply (the SLA clocks), so that those entries come after the
# one that caused them everywhere the timeline is followed (webhooks, the desk's notifications).
ticket_event_followed = Signal()

# Sent while the mail acknowledging a new ticket is written, with ``ticket`` and ``zone``: a receiver answers
# with the line naming the target the ticket is counted against, or "" when none applies.
ticket_target_line = Signal()

# Sent inside the transaction of a customer's comment on a ticket that nobody is assigned to
# (or whose assignee can no longer act), with ``ticket`` and ``comment``: the desk's unassigned
# attention. The team address is mailed as well.
customer_comment_unattended = Signal()
