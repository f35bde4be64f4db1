from django.dispatch import Signal

# Sent with ``email`` (the OutboundEmail) and ``reason`` when a server refused
# an address for good, so that the owner of the address can be marked failing.
delivery_failed_permanently = Signal()
