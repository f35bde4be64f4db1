"""Atom and RSS feeds of the published incident history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from incidents import selectors
from incidents.models import Incident

FEED_SIZE = 50


class IncidentHistoryRss(Feed[Incident, Any]):
    def title(self) -> str:
        return _("%(vendor)s status – incident history") % {"vendor": settings.VENDOR_NAME}

    def link(self) -> str:
        return reverse("status:index")

    def description(self) -> str:
        return _("Incidents and scheduled maintenance published on the %(vendor)s status page.") % {"vendor": settings.VENDOR_NAME}

    def items(self) -> QuerySet[Incident]:
        return selectors.incidents_public().order_by("-updated_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Incident) -> str:
        return item.title

    def item_description(self, item: Incident) -> str:
        lines = [
            format_html(
                "<p><strong>{}</strong> ({} UTC) – {}</p>",
                update.get_status_display(),
                f"{update.created_at:%Y-%m-%d %H:%M}",
                update.message,
            )
            for update in item.updates.all()
        ]
        return "\n".join(lines) or escape(item.message)

    def item_link(self, item: Incident) -> str:
        return reverse("status:incident", args=[item.pk])

    def item_guid(self, item: Incident) -> str:
        return f"{settings.SITE_URL}{reverse('status:incident', args=[item.pk])}"

    item_guid_is_permalink = True

    def item_pubdate(self, item: Incident) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Incident) -> datetime:
        return item.updated_at


class IncidentHistoryAtom(IncidentHistoryRss):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
