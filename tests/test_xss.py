"""No text a person types ever runs as script, on any page that shows it.

Every payload of ``tests.xss_corpus`` is put in every field people control, and
every page and email that shows those fields is opened in Chromium with a trap:
``xss(n)`` and ``alert(n)`` record what ran, and the DOM is searched for
markup a payload could only have smuggled in (event-handler attributes, htmx
attributes, ``javascript:`` URLs, frames, objects, base and refresh tags).

The browser ignores the Content-Security-Policy here on purpose: the policy is
the second line of defence; this suite checks the first, escaping.

The pages are served by Django's test client through Playwright's request
routing, in the test's own transaction: no live server and no database flush.
"""

from __future__ import annotations

import contextvars
import mimetypes
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from accounts.models import User
from customers.models import Contact, Membership, Organisation
from desk.models import CannedReply
from incidents.models import Incident
from incidents.publishing import incident_create, incident_update_post
from incidents.subscriptions import subscriber_confirm, subscriber_subscribe
from notices.models import Notice, ProductArea
from notices.services import notice_raise, notice_update_post
from notifications.models import OutboundEmail
from sla.escalations import escalation_raise
from tests import xss_corpus
from tests.factories import AccessGrantFactory, OrganisationFactory, TicketFactory
from tickets.models import Attachment, Comment, Ticket, TicketField, TicketType
from tickets.richtext import admin_html
from tickets.workflow import comment_add, ticket_assign

pytestmark = pytest.mark.django_db

ORIGIN = "http://supportdesk.test"
ALL = xss_corpus.everything()
EMAILS_PER_PAGE = 25

TRAP = """
window.__xss = [];
window.xss = (n) => window.__xss.push(String(n));
window.alert = (n) => window.__xss.push('alert:' + n);
"""

# What only an injected payload could have put in the page.
DOM_SCAN = """() => {
  const found = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'background', 'xlink:href', 'content'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'frame', 'object', 'embed', 'base', 'applet', 'marquee', 'x', 'math'].includes(tag)) {
      found.push('<' + tag + '>');
    }
    if (tag === 'meta' && el.hasAttribute('http-equiv')) found.push('<meta http-equiv>');
    if (tag === 'script' && !el.src && /xss/.test(el.textContent)) found.push('inline script: ' + el.textContent.slice(0, 60));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name.startsWith('hx-on') || name === 'srcdoc' || name === 'hx-vals' || name === 'formaction') {
        found.push(tag + '[' + name + '=' + attr.value.slice(0, 60) + ']');
      }
      const url = attr.value.replace(/[\\s\\x00-\\x1f]/g, '');
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text\\/html)/i.test(url)) {
        found.push(tag + '[' + name + '=' + attr.value.slice(0, 60) + ']');
      }
    }
  }
  return {ran: window.__xss, injected: found};
}"""


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def add(self, where: str, result: dict[str, Any], html: str) -> None:
        self.pages += 1
        for number in result["ran"]:
            digits = re.sub(r"\D", "", number)
            payload = xss_corpus.BY_NUMBER.get(int(digits)) if digits else None
            self.problems.append(f"{where}: ran {number}: {payload.text if payload else '?'}")
        for item in result["injected"]:
            self.problems.append(f"{where}: injected {item}")
        for marker in xss_corpus.template_markers():
            if marker in html:
                self.problems.append(f"{where}: user text was rendered as a template ({marker})")


class Browser:
    """A Chromium tab whose every request is answered by Django's test client as one user."""

    def __init__(self, chromium: Any, findings: Findings) -> None:
        # Playwright calls the handler from its own greenlet, whose context would open a second
        # database connection outside the test's transaction: answer in the test's context instead.
        self.test_context = contextvars.copy_context()
        self.context = chromium.new_context(base_url=ORIGIN, bypass_csp=True, java_script_enabled=True)
        self.context.add_init_script(TRAP)
        self.context.route("**/*", self._guarded)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: (findings.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        self.findings = findings
        self.client = Client()
        self.user: User | None = None

    def as_user(self, user: User | None) -> Browser:
        self.client = Client()
        if user is not None:
            self.client.force_login(user)
        return self

    def _guarded(self, route: Any, request: Any) -> None:
        try:
            # A copy per request: Playwright may answer several at once; each copy shares the connection.
            self.test_context.copy().run(self._answer, route, request)
        except Exception as exc:  # noqa: BLE001 - shown in the findings, not lost in Playwright's loop
            self.findings.problems.append(f"serving {request.url} failed: {exc!r}")
            route.abort()

    def _answer(self, route: Any, request: Any) -> None:
        url = urlsplit(request.url)
        if url.netloc != urlsplit(ORIGIN).netloc:
            route.abort()
            return
        if url.path.startswith("/static/"):
            found = finders.find(url.path.removeprefix("/static/"))
            if not found:
                route.fulfill(status=404, body="")
                return
            with open(found, "rb") as handle:
                route.fulfill(
                    status=200, body=handle.read(), content_type=mimetypes.guess_type(found)[0] or "application/octet-stream"
                )
            return
        path = url.path + (f"?{url.query}" if url.query else "")
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items() if k.lower().startswith("hx-")}
        response = self.client.generic(
            request.method,
            path,
            data=request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", "application/octet-stream"),
            **extra,
        )
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = {k: v for k, v in response.items() if k.lower() not in ("content-length", "content-encoding")}
        route.fulfill(status=response.status_code, headers=headers, body=body)

    def visit(self, path: str, *, expect: int = 200) -> None:
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status == expect, f"{path} answered {response and response.status}"
        self.page.wait_for_load_state("networkidle")
        self.findings.add(path, self.page.evaluate(DOM_SCAN), self.page.content())

    def show(self, where: str, html: str) -> None:
        """Render a document that is not a page of ours (an email, a feed entry) with the same trap."""
        if not self.page.url.startswith(ORIGIN):
            self.page.goto("/static/css/app.css")  # of our origin, so that relative URLs resolve as a reader's would
        self.page.set_content(html, wait_until="load")
        self.findings.add(where, self.page.evaluate(DOM_SCAN), html)

    def close(self) -> None:
        self.context.close()


@dataclass
class Hostile:
    """A world whose every user-controlled field carries the corpus."""

    ticket: Ticket
    alpha_admin: User
    customer: User
    agent: User
    incidents: list[Incident]
    notices: list[Notice]
    summary_pages: int
    queue_pages: int


def _person(email: str, name: str, *, organisation: Organisation | None = None, role: str = User.Role.CUSTOMER) -> User:
    # Built directly, without hashing a password: tens of users, and they never sign in by password.
    user = User.objects.create(email=email, full_name=name, role=role)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation)
    return user


def hostile_world(world: Any) -> Hostile:
    alpha, agent = world.alpha, world.agent

    # Names: users (requesters, commenters, an assignee), contacts (copied), organisations.
    names = list(xss_corpus.packed(150))
    commenters = [_person(f"commenter{i}@alpha.example", name, organisation=alpha) for i, name in enumerate(names)]
    contacts = [
        Contact.objects.create(organisation=alpha, email=f"contact{i}@alpha.example", name=name) for i, name in enumerate(names)
    ]
    hostile_agent = _person("hostile-agent@vendor.example", names[0], role=User.Role.AGENT)

    # What admins type without code: a request type's description, a field's label, help and choices.
    production = TicketType.objects.get(slug="production-issue")
    TicketType.objects.filter(pk=production.pk).update(description=ALL)
    TicketField.objects.create(
        ticket_type=production,
        key="hostile",
        label=next(xss_corpus.packed(200)),
        kind=TicketField.Kind.CHOICE,
        help_text=ALL,
        choices=[p.text for p in xss_corpus.CORPUS],
        required=False,
        order=999,
    )

    ticket = TicketFactory(
        organisation=alpha,
        requester_user=world.alice,
        type_slug="production-issue",
        severity=1,
        summary=next(xss_corpus.packed(255)),
        description=ALL,
        cc_contacts=contacts,
    )
    # Every structured answer, whatever its kind, holds the corpus.
    details = {}
    for ticket_field in ticket.ticket_type.fields.all():
        if ticket_field.kind in ("id_list", "retailer_ids"):
            details[ticket_field.key] = [p.text for p in xss_corpus.CORPUS]
        elif ticket_field.kind == "order_list":
            details[ticket_field.key] = {"orders": [p.text for p in xss_corpus.CORPUS], "scope": "examples", "estimated_total": 3}
        elif ticket_field.kind in ("text", "textarea", "choice", "email"):
            details[ticket_field.key] = ALL
    Ticket.objects.filter(pk=ticket.pk).update(details=details)
    ticket.refresh_from_db()
    ticket_assign(ticket=ticket, actor=world.lead, assignee=hostile_agent)

    comment_add(ticket=ticket, author=world.alice, body=ALL)
    comment_add(ticket=ticket, author=agent, body=ALL)
    comment_add(ticket=ticket, author=agent, body=ALL, is_internal=True)
    comment_add(ticket=ticket, author=None, body=ALL, author_label=names[1])
    for person in commenters:
        Comment.objects.create(ticket=ticket, author=person, body="plain words")
    escalation_raise(ticket=ticket, user=world.alice, description=ALL, environment=next(xss_corpus.packed(100)), justification=ALL)
    # An organisation admin's reason for granting support access, shown to them and to agents.
    world.alan.full_name = names[3]
    world.alan.save(update_fields=["full_name"])
    AccessGrantFactory(organisation=alpha, granted_by=world.alan, reason=ALL)

    # File names: the stored name is what pages show; set it raw so that escaping alone is tested.
    from tests.factories import AttachmentFactory

    for name in xss_corpus.packed(255):
        attachment = AttachmentFactory(ticket=ticket, uploaded_by=world.alice)
        Attachment.objects.filter(pk=attachment.pk).update(original_name=name)

    # Summaries in Alpha's list, organisation names and their requesters in the desk queue.
    summaries = list(xss_corpus.packed(255))
    for summary in summaries:
        TicketFactory(organisation=alpha, requester_user=world.alice, summary=summary)
    # 140, not 200: the shipped contacts are named after their organisation ("… on call").
    for i, org_name in enumerate(xss_corpus.packed(140)):
        org = OrganisationFactory(name=org_name, account_id=f"HOSTILE-{i}")
        requester = _person(f"requester{i}@hostile{i}.example", names[i % len(names)], organisation=org)
        TicketFactory(organisation=org, requester_user=requester, summary=f"Ticket of hostile organisation {i}")
    for i, title in enumerate(xss_corpus.packed(120)):
        CannedReply.objects.create(title=title, body=ALL if i == 0 else f"reply {i}")

    # Status page: titles, messages and updates; a confirmed subscriber receives the updates by mail.
    subscriber = subscriber_subscribe(email="subscriber@example.com")
    subscriber_confirm(token=_confirm_token(subscriber))
    incidents = []
    for title in xss_corpus.packed(200):
        incidents.append(incident_create(title=title, message=ALL, source=Incident.Source.AGENT, publish_now=True, created_by=agent))
    incident_update_post(incident=incidents[0], status="identified", message=ALL, actor=agent)
    incident_update_post(incident=incidents[0], status="monitoring", message=ALL, actor=agent)

    # Proactive notices: titles, descriptions, calls to action and updates.
    area, _created = ProductArea.objects.get_or_create(name="Checkout")
    notices = []
    for i, title in enumerate(xss_corpus.packed(200)):
        notice, _new = notice_raise(
            organisation=alpha,
            kind=Notice.Kind.ALERT if i % 2 == 0 else Notice.Kind.WARNING,
            area=area,
            title=title,
            description=ALL,
            call_to_action=ALL,
            actor=agent,
            idempotency_key=f"hostile-{i}",
        )
        notices.append(notice)
    notice_update_post(notice=notices[0], body=ALL, call_to_action=ALL, actor=agent)

    alpha_tickets = Ticket.objects.filter(organisation=alpha).count()
    return Hostile(
        ticket=ticket,
        alpha_admin=world.alan,
        customer=world.alice,
        agent=agent,
        incidents=incidents,
        notices=notices,
        summary_pages=-(-alpha_tickets // 25),
        queue_pages=-(-Ticket.objects.count() // 50),
    )


def _confirm_token(subscriber: Any) -> str:
    from incidents.subscriptions import confirm_url

    return confirm_url(subscriber).rstrip("/").rsplit("/", 1)[-1]


def feed_entries(xml: bytes) -> list[str]:
    """Each entry as a feed reader shows it: the title as text, the description or content as HTML."""
    root = ET.fromstring(xml)  # noqa: S314 - our own feed, just rendered by the test client
    documents = []
    for item in root.iter():
        tag = item.tag.rsplit("}", 1)[-1]
        if tag in ("item", "entry"):
            title = description = ""
            for child in item:
                name = child.tag.rsplit("}", 1)[-1]
                if name == "title":
                    title = child.text or ""
                elif name in ("description", "summary", "content"):
                    description = child.text or ""
            from html import escape

            documents.append(f"<!doctype html><h1>{escape(title)}</h1>{description}")
    return documents


@pytest.mark.browser
def test_no_payload_runs_or_injects_markup_anywhere(chromium, need_chromium, world) -> None:
    hostile = hostile_world(world)
    findings = Findings()
    browser = Browser(chromium, findings)
    number = hostile.ticket.number
    try:
        # The customer's portal.
        browser.as_user(hostile.customer)
        browser.visit(f"/portal/tickets/{number}/")
        browser.visit("/portal/new/")
        browser.visit("/portal/new/?type=production-issue")
        for page_number in range(1, hostile.summary_pages + 1):
            browser.visit(f"/portal/?page={page_number}")
        browser.as_user(hostile.alpha_admin)
        browser.visit("/portal/?scope=organisation")
        browser.visit(f"/portal/tickets/{hostile.notices[0].ticket.number}/")
        browser.visit("/portal/organisation/")
        browser.visit("/portal/organisation/contacts/")
        browser.visit("/portal/organisation/access/")

        # The desk.
        browser.as_user(hostile.agent)
        for page_number in range(1, hostile.queue_pages + 1):
            browser.visit(f"/desk/?page={page_number}")
        browser.visit(f"/desk/tickets/{number}/")
        canned = CannedReply.objects.get(body=ALL)
        browser.visit(f"/desk/tickets/{number}/?canned={canned.pk}")
        browser.page.select_option("#canned", str(canned.pk))  # the picker's script fills the reply box
        findings.add("canned reply picked", browser.page.evaluate(DOM_SCAN), browser.page.content())
        browser.visit("/desk/dashboard/")
        browser.visit("/desk/notices/")
        browser.visit("/desk/notices/held/")
        for notice in hostile.notices[:3]:
            browser.visit(f"/desk/notices/{notice.pk}/")
        browser.visit("/desk/status/")
        browser.visit(f"/desk/status/incidents/{hostile.incidents[0].pk}/")

        # The public status page and its feeds.
        browser.as_user(None)
        browser.visit("/status/")
        browser.visit("/status/history/")
        for incident in hostile.incidents[:3]:
            browser.visit(f"/status/incidents/{incident.pk}/")
        for feed in ("/status/history.atom", "/status/history.rss"):
            response = Client().get(feed)
            assert response.status_code == 200
            for i, entry in enumerate(feed_entries(response.content)):
                browser.show(f"{feed} entry {i}", entry)

        # Every HTML email the outbox holds, opened as a mail client would show it.
        bodies = set(OutboundEmail.objects.exclude(body_html="").values_list("body_html", flat=True))
        assert len(bodies) > 20
        ordered = sorted(bodies)
        for start in range(0, len(ordered), EMAILS_PER_PAGE):
            batch = ordered[start : start + EMAILS_PER_PAGE]
            browser.show(f"emails {start}–{start + len(batch) - 1}", "\n<hr>\n".join(batch))
    finally:
        browser.close()

    assert findings.pages > 40
    assert not findings.problems, f"{len(findings.problems)} problems:\n" + "\n".join(findings.problems[:60])


def test_the_corpus_is_large_and_every_payload_is_traceable() -> None:
    assert len(xss_corpus.CORPUS) >= 200
    assert len({p.text for p in xss_corpus.CORPUS}) == len(xss_corpus.CORPUS)
    for payload in xss_corpus.CORPUS:
        assert str(payload.number) in payload.text


def test_admin_help_keeps_links_and_emphasis_but_nothing_that_runs() -> None:
    html = admin_html(
        'See <a href="https://docs.example/ids" onclick="xss(1)">the guide</a>, <strong>not</strong> '
        '<a href="javascript:xss(2)">this</a><script>xss(3)</script><img src=x onerror=xss(4)>'
    )
    assert '<a href="https://docs.example/ids" rel="noopener noreferrer nofollow">the guide</a>' in html
    assert "<strong>not</strong>" in html
    assert "xss(" not in html and "javascript:" not in html
