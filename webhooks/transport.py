"""Sending one signed POST, only to addresses we are allowed to reach (the SSRF guard)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

EXCERPT_CHARS = 2000


class Refused(Exception):
    """The destination is not allowed (private address, bad URL): retrying will not help."""


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def signature(*, secret: str, timestamp: int, body: str) -> str:
    """The X-Supportdesk-Signature value: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_valid(*, secret: str, header: str, body: str, tolerance: int = 300, now: int | None = None) -> bool:
    """What a receiver does: recompute, compare in constant time, and refuse stale timestamps (replays)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def destination(url: str, *, allow_private: bool = False) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) after resolving the host once and checking every address.

    The connection then goes to the checked address, so a second DNS answer cannot point it elsewhere.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"Not an http(s) URL: {url!r}")
    if parts.username or parts.password:
        raise Refused("Credentials in webhook URLs are not allowed.")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectionError(f"Cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise ConnectionError(f"{host} has no address")
    private_ok = allow_private or host.lower() in {h.lower() for h in settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS}
    if not private_ok:
        bad = [str(address) for address in addresses if _forbidden(address)]
        if bad:
            raise Refused(f"{host} resolves to a private, loopback or reserved address ({', '.join(bad)}).")
    return parts.scheme, host, port, str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(*, url: str, body: str, headers: dict[str, str], allow_private: bool = False) -> Answer:
    """POST the body; redirects are not followed. Raises Refused, or OSError for network failures."""
    scheme, host, port, address = destination(url, allow_private=allow_private)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_CHARS).decode(errors="replace")
        return Answer(status=response.status, excerpt=excerpt)
    finally:
        connection.close()
