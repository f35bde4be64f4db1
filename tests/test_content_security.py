"""Every HTML page forbids inline script, and our own templates never need it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def policy_of(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, path",
    [
        ("anonymous", "/accounts/login/"),
        ("customer", "/portal/"),
        ("agent", "/desk/"),
        ("admin", "/admin/"),
    ],
)
def test_html_pages_allow_scripts_from_our_origin_only(world, who, path):
    client = Client()
    user = {"customer": world.alice, "agent": world.agent, "admin": world.admin}.get(who)
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


MAIL_LAYOUT = ROOT / "templates" / "email" / "base.html"


def is_mail(path: Path) -> bool:
    """An HTML mail or a piece of one: read in a mail client, never served under our policy, and styled inline
    on purpose (mail clients drop <style> blocks and linked sheets). Mails live in `email/` folders, or wear the
    mail layout."""
    return "email" in path.parts or '{% extends "email/base.html" %}' in path.read_text()


def our_templates() -> list[Path]:
    """The templates that make our pages."""
    return [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html") if not is_mail(path)]


def test_the_mail_templates_left_out_are_the_html_mails():
    mails = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html") if is_mail(path)]
    assert MAIL_LAYOUT in mails
    assert all("email" in path.parts or path.name.endswith("_email_html.html") for path in mails), mails
    pages = [path for path in mails if re.search(r'{% extends "(?!email/base\.html")', path.read_text())]
    assert not pages, f"page templates among the mails: {pages}"


def test_our_templates_carry_no_inline_script_style_or_handlers():
    offenders = []
    for path in our_templates():
        text = path.read_text()
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script> without a nonce"),
            (INLINE_STYLE, "inline style"),
            (EVENT_HANDLER, "inline event handler"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not offenders, "The Content-Security-Policy would block these:\n" + "\n".join(offenders)


def test_the_template_check_notices_what_it_looks_for(tmp_path):
    bad = '<p style="color:red" onclick="x()">hi</p><script>alert(1)</script>'
    assert INLINE_SCRIPT.search(bad) and INLINE_STYLE.search(bad) and EVENT_HANDLER.search(bad)
    good = '<script src="/static/js/app.js" defer></script><script nonce="{{ request.csp_nonce }}">x()</script>'
    assert not INLINE_SCRIPT.search(good) and not EVENT_HANDLER.search(good)
