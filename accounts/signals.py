"""What the accounts app tells the apps above it, so that it never imports them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `email` when someone asks to reset the password of that address, after the flood limits let the
# request through. The customers app offers a login to a contact of that address that has none.
password_reset_asked = Signal()
