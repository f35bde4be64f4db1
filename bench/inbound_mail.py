"""Processing 1,000 queued inbound messages: messages per second, and CPU per message.

The script creates its own scratch database (``sd_bench_inbound`` on the server of ``DATABASE_URL``;
dropped and recreated on every run), migrates it, makes one organisation with 20 contacts and 50 open
tickets, and stores 1,000 messages through ``mail.intake.inbound_store`` (no broker: they wait,
pending, as behind a busy worker). The mix: 700 replies to the tickets' signed reply addresses with a
quoted history and a signature (→ comments, each notifying the assignee), 200 new mails from known
contacts (→ Email requests with their reception mail), 100 from unknown senders (→ the desk's list).
Then it processes every pending message one after the other with ``mail.intake.inbound_process``, as
one worker does, and prints wall time, messages per second, and this process's CPU per message
(PostgreSQL's own CPU is not counted in it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/inbound_mail.py [--n 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import fresh_database  # noqa: E402 - beside this script

SCRATCH = "sd_bench_inbound"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    total = parser.parse_args().n
    os.environ["DATABASE_URL"] = fresh_database(SCRATCH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["INBOUND_HOURLY_LIMIT"] = str(10 * total)  # one organisation writing a lot: no loop here
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from customers.models import Contact
    from mail import intake
    from mail.models import InboundMessage
    from mail.tests.messages import mail, reply_to_ticket
    from notifications import services as outbox
    from tests.factories import OrganisationFactory, TicketFactory, UserFactory
    from tickets.workflow import ticket_assign

    outbox.outbox_enqueue = lambda *, outbox_id: False  # no broker: mail stays in the outbox
    intake.inbound_enqueue = lambda *, inbound_id: False  # no broker: messages wait, pending
    print(f"Migrating the scratch database {SCRATCH}…", flush=True)
    call_command("migrate", verbosity=0)
    organisation = OrganisationFactory(account_id="BENCH", name="Bench Retail")
    agent = UserFactory(email="agent@bench.example", role=User.Role.AGENT)
    contacts = [
        Contact.objects.create(organisation=organisation, name=f"Contact {i}", email=f"contact{i}@bench.example") for i in range(20)
    ]
    tickets = []
    for i in range(50):
        ticket = TicketFactory(organisation=organisation, requester_contact=contacts[i % 20], summary=f"Bench {i}")
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        tickets.append(ticket)
    quoted = "\n".join(f"> line {k} of the earlier message" for k in range(15))
    started = time.perf_counter()
    for i in range(total):
        kind = i % 10
        contact = contacts[i % 20]
        if kind < 7:
            ticket = tickets[i % 50]
            sender = ticket.requester_contact.email
            raw = mail(
                sender=sender,
                to=reply_to_ticket(ticket.number, sender),
                subject=f"Re: [{ticket.reference}]",
                text=f"Reply {i}: it still happens.\n\nBest regards,\n{contact.name}\n\nOn Mon, 1 Dec 2026 at 10:00, "
                f"Supportdesk <support@supportdesk.example> wrote:\n{quoted}\n",
            )
        elif kind < 9:
            raw = mail(sender=contact.email, subject=f"New problem {i}", text=f"Orders stuck since {i % 24}:00.")
        else:
            raw = mail(sender=f"stranger{i}@else.example", subject=f"Question {i}", text="Do you support SEUR?")
        intake.inbound_store(raw=raw, via=InboundMessage.Via.SMTP)
    stored = time.perf_counter() - started
    pending = list(InboundMessage.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    outcomes = Counter(intake.inbound_process(inbound_id=pk) for pk in pending)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(f"stored {total} messages in {stored:.1f} s ({total / stored:.0f}/s)")
    print(f"processed {len(pending)}: {dict(outcomes)}")
    print(
        f"wall {wall:.1f} s → {len(pending) / wall:.1f} messages/s; CPU {1000 * cpu / len(pending):.1f} ms per message "
        f"({1000 * wall / len(pending):.1f} ms wall per message)"
    )


if __name__ == "__main__":
    main()
