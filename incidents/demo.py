"""Demo status page: seed 001's components (platform, carriers per market, shop integrations),
seed 000's search products per environment, and 90 days of incident history. Idempotent."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from incidents import rollup
from incidents.models import Component, ComponentGroup, Incident, IncidentComponent, IncidentEvent, IncidentUpdate

GROUPS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Platform",
        "The platform and its features",
        [
            ("Dashboard", "Sign-in, settings and the order overview"),
            ("Label creation", "Creating and printing shipping labels"),
            ("Tracking & notifications", "Tracking pages and the emails to your customers"),
            ("Returns portal", ""),
            ("Public API", "REST API and webhooks"),
        ],
    ),
    ("Carriers · Spain", "", [("Correos", ""), ("SEUR", ""), ("MRW", ""), ("DHL Express", "")]),
    ("Carriers · Portugal", "", [("CTT", ""), ("DPD", "")]),
    ("Carriers · Netherlands", "", [("PostNL", ""), ("DHL Parcel", "")]),
    (
        "Shop integrations",
        "Order import and status sync with online shops",
        [
            ("Shopify", ""),
            ("WooCommerce", ""),
            ("Magento", ""),
            ("PrestaShop", ""),
        ],
    ),
    ("Search & merchandising · live1", "Production", [("Query API", ""), ("Data API", ""), ("Merchandising Studio", "")]),
    ("Search & merchandising · test1", "Sandbox", [("Query API", ""), ("Data API", ""), ("Merchandising Studio", "")]),
]

# (title, message, group, component, market, cause, impact)
STORIES = [
    (
        "Correos (Spain): labels cannot be created",
        "Creating Correos labels fails for part of the requests.",
        "Carriers · Spain",
        "Correos",
        "Spain",
        "carrier",
        "partial_outage",
    ),
    (
        "SEUR (Spain): delayed tracking updates",
        "Tracking events from SEUR reach us with a delay of several hours.",
        "Carriers · Spain",
        "SEUR",
        "Spain",
        "carrier",
        "degraded_performance",
    ),
    (
        "CTT (Portugal): label service unavailable",
        "CTT's label service does not answer.",
        "Carriers · Portugal",
        "CTT",
        "Portugal",
        "carrier",
        "major_outage",
    ),
    (
        "PostNL (Netherlands): slow label creation",
        "Labels take up to a minute to be created.",
        "Carriers · Netherlands",
        "PostNL",
        "Netherlands",
        "carrier",
        "degraded_performance",
    ),
    (
        "Shopify: orders are not imported",
        "New Shopify orders do not appear in the order overview.",
        "Shop integrations",
        "Shopify",
        "",
        "integration",
        "partial_outage",
    ),
    (
        "WooCommerce: status sync delayed",
        "Shipment statuses reach WooCommerce shops late.",
        "Shop integrations",
        "WooCommerce",
        "",
        "integration",
        "degraded_performance",
    ),
    (
        "Dashboard: errors after a release",
        "Some pages of the dashboard answer with an error after today's release.",
        "Platform",
        "Dashboard",
        "",
        "code_change",
        "partial_outage",
    ),
    (
        "Public API: increased error rate",
        "A part of the API requests fails with server errors.",
        "Platform",
        "Public API",
        "",
        "infrastructure",
        "partial_outage",
    ),
    (
        "Query API (live1): increased latency",
        "Published query endpoints answer slowly.",
        "Search & merchandising · live1",
        "Query API",
        "",
        "infrastructure",
        "degraded_performance",
    ),
    (
        "Data API (live1 and test1): delays in data trigger processing",
        "Data triggers are processed with a delay.",
        "Search & merchandising · live1",
        "Data API",
        "",
        "third_party",
        "degraded_performance",
    ),
    (
        "Merchandising Studio unavailable",
        "Merchandising Studio cannot be opened; not due to a reindex.",
        "Search & merchandising · live1",
        "Merchandising Studio",
        "",
        "code_change",
        "major_outage",
    ),
]

UPDATES = [
    ("investigating", "We are investigating the problem."),
    ("identified", "The cause has been identified and a fix is being prepared."),
    ("monitoring", "A fix has been applied; we are monitoring the results."),
]
SYSTEM = "Status page rules"


# What the public reads in Spanish and Brazilian Portuguese (docs/glossary.md); carriers, shops and
# products keep their names.
TRANSLATED = {
    "Platform": ("Plataforma", "Plataforma"),
    "The platform and its features": ("La plataforma y sus funcionalidades", "A plataforma e suas funcionalidades"),
    "Dashboard": ("Panel", "Painel"),
    "Sign-in, settings and the order overview": (
        "Inicio de sesión, ajustes y resumen de pedidos",
        "Login, configurações e visão geral dos pedidos",
    ),
    "Label creation": ("Creación de etiquetas", "Criação de etiquetas"),
    "Creating and printing shipping labels": ("Crear e imprimir etiquetas de envío", "Criar e imprimir etiquetas de envio"),
    "Tracking & notifications": ("Seguimiento y notificaciones", "Rastreamento e notificações"),
    "Tracking pages and the emails to your customers": (
        "Páginas de seguimiento y los correos a tus clientes",
        "Páginas de rastreamento e os e-mails para os seus clientes",
    ),
    "Returns portal": ("Portal de devoluciones", "Portal de devoluções"),
    "Public API": ("API pública", "API pública"),
    "REST API and webhooks": ("API REST y webhooks", "API REST e webhooks"),
    "Carriers · Spain": ("Transportistas · España", "Transportadoras · Espanha"),
    "Carriers · Portugal": ("Transportistas · Portugal", "Transportadoras · Portugal"),
    "Carriers · Netherlands": ("Transportistas · Países Bajos", "Transportadoras · Países Baixos"),
    "Shop integrations": ("Integraciones de tienda", "Integrações de loja"),
    "Order import and status sync with online shops": (
        "Importación de pedidos y sincronización de estados con las tiendas online",
        "Importação de pedidos e sincronização de status com as lojas online",
    ),
    "Search & merchandising · live1": ("Búsqueda y merchandising · live1", "Busca e merchandising · live1"),
    "Search & merchandising · test1": ("Búsqueda y merchandising · test1", "Busca e merchandising · test1"),
    "Production": ("Producción", "Produção"),
    "Sandbox": ("Sandbox", "Sandbox"),
}


def _in_every_language(field: str, text: str) -> dict[str, str]:
    es, pt = TRANSLATED.get(text, (text, text)) if text else ("", "")
    return {field: text, f"{field}_en": text, f"{field}_es": es, f"{field}_pt_br": pt}


def _components() -> dict[tuple[str, str], Component]:
    made = {}
    for order, (group_name, description, members) in enumerate(GROUPS):
        group, _created = ComponentGroup.objects.get_or_create(
            name_en=group_name,
            defaults={
                "order": order,
                **_in_every_language("name", group_name),
                **_in_every_language("description", description),
            },
        )
        for position, (name, text) in enumerate(members):
            component, _created = Component.objects.get_or_create(
                group=group,
                name_en=name,
                defaults={
                    "order": position,
                    "start_date": (timezone.now() - timedelta(days=365)).date(),
                    **_in_every_language("name", name),
                    **_in_every_language("description", text),
                },
            )
            made[(group_name, name)] = component
    return made


def _history(components: dict[tuple[str, str], Component], now: datetime) -> None:
    rng = random.Random(1)  # noqa: S311 - the same demo every time, nothing secret
    for day in sorted(rng.sample(range(2, 89), 22), reverse=True):
        title, message, group, name, market, cause, impact = rng.choice(STORIES)
        detected = (now - timedelta(days=day)).replace(
            hour=rng.randint(6, 20), minute=rng.choice([5, 12, 27, 41, 53]), second=0, microsecond=0
        )
        duration = timedelta(minutes=rng.choice([45, 70, 95, 140, 210, 380]))
        _past_incident(components[(group, name)], title, message, market, cause, impact, detected, duration)
    _past_maintenance(components, now - timedelta(days=20))


def _past_incident(
    component: Component, title: str, message: str, market: str, cause: str, impact: str, detected: datetime, duration: timedelta
) -> None:
    published = detected if cause == "code_change" else detected + timedelta(minutes=30)
    resolved = detected + duration
    monitoring = resolved - timedelta(minutes=10)
    incident = Incident.objects.create(
        title=title,
        message=message,
        market=market,
        cause=cause,
        source=Incident.Source.MONITORING,
        status=Incident.Status.RESOLVED,
        impact=rollup.incident_impact([impact]),
        detected_at=detected,
        published_at=published,
        monitoring_at=monitoring,
        resolved_at=resolved,
    )
    IncidentComponent.objects.create(incident=incident, component=component, impact=impact)
    steps = [
        (detected, "investigating", message),
        (detected + (monitoring - detected) / 2, "identified", UPDATES[1][1]),
        (monitoring, "monitoring", UPDATES[2][1]),
        (resolved, "resolved", "The fix has held for 10 minutes. This incident has been resolved."),
    ]
    for at, status, text in steps:
        IncidentUpdate.objects.create(incident=incident, status=status, message=text, created_at=at)
    IncidentEvent.objects.create(
        incident=incident, kind="created", actor_label="Monitoring", created_at=detected, reason="Raised by Monitoring."
    )
    IncidentEvent.objects.create(
        incident=incident,
        kind="published",
        actor_label=SYSTEM,
        created_at=published,
        reason="Caused by a code change: published at once."
        if cause == "code_change"
        else "Still open 30 minutes after detection: published automatically.",
    )
    IncidentEvent.objects.create(
        incident=incident,
        kind="resolved",
        actor_label=SYSTEM,
        created_at=resolved,
        reason="In Monitoring and stable for 10 minutes: resolved automatically.",
    )


def _past_maintenance(components: dict[tuple[str, str], Component], start: datetime) -> None:
    start = start.replace(hour=2, minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=2)
    window = Incident.objects.create(
        kind=Incident.Kind.MAINTENANCE,
        title="Database upgrade",
        message="The dashboard and the API are read-only for short periods.",
        status=Incident.Status.COMPLETED,
        impact=Incident.Impact.MAINTENANCE,
        source=Incident.Source.AGENT,
        detected_at=start - timedelta(days=3),
        published_at=start - timedelta(days=3),
        scheduled_for=start,
        scheduled_until=end,
        resolved_at=end,
    )
    for key in [("Platform", "Dashboard"), ("Platform", "Public API")]:
        IncidentComponent.objects.create(incident=window, component=components[key], impact="under_maintenance")
    for at, status, text in [
        (start - timedelta(days=3), "scheduled", window.message),
        (start, "in_progress", "The scheduled maintenance is in progress."),
        (end, "completed", "The scheduled maintenance has been completed."),
    ]:
        IncidentUpdate.objects.create(incident=window, status=status, message=text, created_at=at)


def _current(components: dict[tuple[str, str], Component], now: datetime) -> None:
    """Something happening now, so the page has a story: an open carrier incident and a window next week."""
    from incidents import publishing

    incident = publishing.incident_create(
        title="SEUR (Spain): labels cannot be created",
        market="Spain",
        cause=Incident.Cause.CARRIER,
        message="Creating SEUR labels fails for about a third of the requests. Retrying usually works.",
        components={components[("Carriers · Spain", "SEUR")]: "partial_outage"},
        detected_at=now - timedelta(minutes=50),
    )
    publishing.incidents_publish_due()
    publishing.incident_update_post(
        incident=incident,
        status="identified",
        actor_label="Support",
        message="SEUR's label service answers with timeouts. We are in contact with SEUR.",
    )
    start = (now + timedelta(days=6)).replace(hour=3, minute=0, second=0, microsecond=0)
    publishing.maintenance_schedule(
        title="Query API (test1) upgrade",
        message="The sandbox Query API may answer slowly during the upgrade.",
        components=[components[("Search & merchandising · test1", "Query API")]],
        scheduled_for=start,
        scheduled_until=start + timedelta(hours=1),
    )


# Which demo organisations use which components, so each portal shows only the incidents that concern it.
USES = {
    "Globex Logistics": [("Carriers · Spain", "Correos"), ("Carriers · Spain", "SEUR"), ("Shop integrations", "PrestaShop")],
    "Northwind Retail": [("Carriers · Netherlands", "DHL Parcel"), ("Shop integrations", "Shopify")],
    "Initech Commerce": [("Carriers · Portugal", "CTT"), ("Shop integrations", "WooCommerce")],
}


def _uses(components: dict[tuple[str, str], Component]) -> None:
    from customers.models import Organisation

    for (group_name, _name), component in components.items():
        if group_name == "Platform" and not component.used_by_everyone:
            component.used_by_everyone = True
            component.save(update_fields=["used_by_everyone"])
    for organisation in Organisation.objects.filter(name__in=USES):
        organisation.status_components.add(*(components[key] for key in USES[organisation.name]))


@transaction.atomic
def seed() -> None:
    components = _components()
    _uses(components)
    if Incident.objects.exists():
        return  # history is made once; a second run keeps whatever is there
    now = timezone.now()
    _history(components, now)
    _current(components, now)
