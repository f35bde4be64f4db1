"""Demo notices: the product areas of seed 000, one alert and one held warning. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from customers.models import Environment, Organisation
from notices.models import ProductArea
from notices.services import notice_raise

AREAS = [
    ("Query API", "Published query endpoints: error rates and latency."),
    ("Data API", "Data ingestion and trigger processing."),
    ("Merchandising Studio", "The merchandising user interface."),
]


# The areas' names are product names; their descriptions in Spanish and Brazilian Portuguese.
AREA_DESCRIPTIONS = {
    "Query API": (
        "Endpoints de consulta publicados: tasas de error y latencia.",
        "Endpoints de consulta publicados: taxas de erro e latência.",
    ),
    "Data API": ("Ingesta de datos y procesamiento de triggers.", "Ingestão de dados e processamento de triggers."),
    "Merchandising Studio": ("La interfaz de usuario de merchandising.", "A interface de usuário de merchandising."),
}


@transaction.atomic
def seed() -> None:
    for order, (name, description) in enumerate(AREAS):
        es, pt = AREA_DESCRIPTIONS[name]
        ProductArea.objects.get_or_create(
            name_en=name,
            defaults={
                "name": name,
                "description": description,
                "order": order * 10,
                "name_es": name,
                "name_pt_br": name,
                "description_es": es,
                "description_pt_br": pt,
            },
        )
    agent = User.objects.filter(email="sam@supportdesk.example").first()
    northwind = Organisation.objects.filter(account_id="NW-1001").first()
    globex = Organisation.objects.filter(account_id="GX-2002").first()
    if agent is None or northwind is None or globex is None:
        return
    notice_raise(
        organisation=northwind,
        kind="alert",
        area=ProductArea.objects.get(name_en="Query API"),
        environment=Environment.objects.filter(organisation=northwind, name="live1").first(),
        title="Increased error rate on published query endpoints",
        description="Since 02:10 UTC about 4% of requests to your published query endpoints answer 503, "
        "up from under 0.1%. The errors started after your index configuration changed.",
        call_to_action="Please review the index configuration change made at 02:05 UTC and roll it back "
        "if it was not intended. Reply on the ticket once done.",
        actor=agent,
        idempotency_key="demo-alert-query-api",
    )
    # Scheduled from tomorrow, so the demo always shows one held warning, whatever the hour.
    notice_raise(
        organisation=globex,
        kind="warning",
        area=ProductArea.objects.get(name_en="Data API"),
        environment=Environment.objects.filter(organisation=globex, name="test1").first(),
        title="Delays in data trigger processing on test1",
        description="Data triggers on test1 have been processed up to 40 minutes late since yesterday. Nothing is failing yet.",
        actor=agent,
        idempotency_key="demo-warning-data-api",
        not_before=timezone.now() + timedelta(days=1),
    )
