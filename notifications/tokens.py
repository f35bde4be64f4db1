"""Reply addresses unique to one ticket and one recipient, signed by us.

``support+1042-k3v8q2…@domain``: the ticket's number, then an HMAC of the number and
the recipient's address. A reply whose token does not verify for its own sender (a
token of another recipient, a changed number) is never attached to the ticket.
Lower-case base32, so that a mail server that folds the local part's case breaks nothing.
"""

from __future__ import annotations

import base64
import hmac
import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "mail.reply-address"
MAC_LENGTH = 20  # 100 bits


def _mac(number: int, address: str) -> str:
    digest = salted_hmac(SALT, f"{number}:{address.strip().lower()}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:MAC_LENGTH]


def _split(address: str) -> tuple[str, str]:
    local, _at, domain = parseaddr(address)[1].rpartition("@")
    return local, domain.lower()


def reply_token(*, number: int, recipient: str) -> str:
    return f"{number}-{_mac(number, recipient)}"


def reply_address(*, number: int, recipient: str) -> str:
    """The Reply-To for this ticket's mail to this recipient."""
    local, domain = _split(settings.INBOUND_ADDRESS)
    return f"{local}+{reply_token(number=number, recipient=recipient)}@{domain}"


TOKEN = re.compile(rf"(?P<number>\d{{1,10}})-(?P<mac>[a-z2-7]{{{MAC_LENGTH}}})")


def reply_tokens_in(addresses: list[str]) -> list[str]:
    """The tokens carried by any of these addresses that are our reply addresses."""
    local, domain = _split(settings.INBOUND_ADDRESS)
    tokens = []
    for address in addresses:
        their_local, their_domain = _split(address)
        prefix = f"{local}+"
        if their_domain == domain and their_local.lower().startswith(prefix):
            tokens.append(their_local[len(prefix) :].lower())
    return tokens


def reply_token_number(token: str, *, sender: str) -> int | None:
    """The ticket number a token names, if it was made for this sender; None otherwise."""
    match = TOKEN.fullmatch(token.strip().lower())
    if not match:
        return None
    number = int(match["number"])
    if not hmac.compare_digest(match["mac"], _mac(number, sender)):
        return None
    return number
