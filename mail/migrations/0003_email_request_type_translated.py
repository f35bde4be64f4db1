"""The "Email request" type in Spanish and Portuguese, as the other shipped types are (tickets 0011)."""

from django.db import migrations

TEXTS = {
    "name_es": "Solicitud por correo", "description_es": "Una solicitud que llegó por correo electrónico.",
    "name_pt_br": "Solicitação por e-mail", "description_pt_br": "Uma solicitação que chegou por e-mail.",
}


def forwards(apps, schema_editor):
    TicketType = apps.get_model("tickets", "TicketType")
    for ticket_type in TicketType.objects.filter(slug="email-request"):
        changed = [name for name, text in TEXTS.items() if not getattr(ticket_type, name)]
        for name in changed:
            setattr(ticket_type, name, TEXTS[name])
        if changed:
            ticket_type.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("mail", "0002_email_request_type"), ("tickets", "0011_translated_types_and_fields")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
