"""A subscriber manages a subscription from the signed link in every mail: components by group, or stop entirely."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import publishing, subscriptions
from incidents.models import Subscriber
from incidents.tests.factories import component
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def picker():  # type: ignore[no-untyped-def]
    made = {
        "correos": component("Correos", group="Carriers · Spain"),
        "seur": component("SEUR", group="Carriers · Spain"),
        "ctt": component("CTT", group="Carriers · Portugal"),
        "shopify": component("Shopify", group="Shop integrations"),
    }
    for order, key in enumerate(("correos", "ctt", "shopify")):  # the status page's order, not the alphabet's
        made[key].group.order = order
        made[key].group.save()
    return made


def confirmed(email: str = "ops@shop.example", components=()) -> Subscriber:  # type: ignore[no-untyped-def]
    subscriber = subscriptions.subscriber_subscribe(email=email, components=components)
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=timezone.now())
    subscriber.refresh_from_db()
    return subscriber


def path(url: str) -> str:
    return url.replace("http://127.0.0.1:8000", "")


def chosen(subscriber: Subscriber) -> set[str]:
    subscriber.refresh_from_db()
    return {c.name for c in subscriber.components.all()}


def test_every_subscriber_mail_carries_the_manage_link(picker) -> None:
    subscriber = subscriptions.subscriber_subscribe(email="ops@shop.example", components=[picker["ctt"]])
    confirmation = OutboundEmail.objects.get(recipient="ops@shop.example")
    assert subscriptions.manage_url(subscriber).split("/status/")[0] in confirmation.body_text
    assert re.search(r"/status/subscription/\S+/", confirmation.body_text)
    assert re.search(r'href="http://\S+/status/subscription/\S+/"', confirmation.body_html)
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=timezone.now())
    publishing.incident_create(title="CTT down", message="m", components={picker["ctt"]: "major_outage"}, cause="code_change")
    update = OutboundEmail.objects.get(recipient="ops@shop.example", subject__contains="CTT down")
    link = re.search(r"http://\S+/status/subscription/\S+/", update.body_text)
    assert link, update.body_text
    assert f'href="{link.group(0)}"' in update.body_html
    page = Client().get(path(link.group(0)))
    assert page.status_code == 200 and "ops@shop.example" in page.content.decode()


def test_the_page_shows_components_under_their_groups_with_a_box_per_group(client, picker) -> None:
    subscriber = confirmed(components=[picker["correos"], picker["seur"], picker["shopify"]])
    page = client.get(path(subscriptions.manage_url(subscriber))).content.decode()
    spain = page.index("Carriers · Spain")
    assert spain < page.index("Correos") < page.index("SEUR") < page.index("Carriers · Portugal") < page.index("CTT")
    group = picker["correos"].group_id
    assert f'name="groups" value="{group}" data-group-toggle checked' in page, "Spain is whole: its box is ticked"
    assert f'name="groups" value="{picker["ctt"].group_id}" data-group-toggle>' in page
    shown_whole = re.search(r'name="shown_whole" value="([^"]*)"', page).group(1).split(",")
    assert sorted(shown_whole) == sorted([str(group), str(picker["shopify"].group_id)])
    assert "receives updates about 3 components" in page


def test_without_script_ticking_a_group_takes_it_whole_and_unticking_a_whole_group_drops_it(client, picker) -> None:
    subscriber = confirmed(components=[picker["correos"], picker["seur"]])
    url = path(subscriptions.manage_url(subscriber))
    spain, portugal = picker["correos"].group_id, picker["ctt"].group_id
    # Spain was shown whole; its box unticked (the component boxes left as they were) drops it; Portugal's box ticked adds it.
    response = client.post(
        url,
        {
            "components": [picker["correos"].pk, picker["seur"].pk],
            "groups": [portugal],
            "shown_whole": str(spain),
        },
    )
    assert response.status_code == 302
    assert chosen(subscriber) == {"CTT"}
    page = client.get(url).content.decode()
    assert "Your choice is saved." in page and "receives updates about 1 component." in page
    # One component of a group, its box left alone: just that one.
    client.post(url, {"components": [picker["ctt"].pk, picker["shopify"].pk], "shown_whole": str(portugal), "groups": [portugal]})
    assert chosen(subscriber) == {"CTT", "Shopify"}


def test_with_script_the_component_boxes_alone_are_the_answer(client, picker) -> None:
    subscriber = confirmed(components=[picker["correos"], picker["seur"]])
    spain = picker["correos"].group_id
    # The script unticked the group box when SEUR was unticked: with it, that must not drop Correos.
    client.post(
        path(subscriptions.manage_url(subscriber)), {"components": [picker["correos"].pk], "shown_whole": str(spain), "scripted": "1"}
    )
    assert chosen(subscriber) == {"Correos"}


def test_choosing_none_follows_everything_and_the_subscriber_can_stop_entirely(client, picker) -> None:
    subscriber = confirmed(components=[picker["ctt"]])
    url = path(subscriptions.manage_url(subscriber))
    client.post(url, {"shown_whole": str(picker["ctt"].group_id)})
    subscriber.refresh_from_db()
    assert subscriber.all_components and not chosen(subscriber)
    assert "receives updates about every component" in client.get(url).content.decode()

    response = client.post(url, {"unsubscribe": ""}, follow=True)
    subscriber.refresh_from_db()
    assert not subscriber.is_active
    page = response.content.decode()
    assert "You are unsubscribed: no more status updates will be mailed to ops@shop.example." in page
    assert "Unsubscribe from everything" not in page
    publishing.incident_create(
        title="Shopify late", message="m", components={picker["shopify"]: "degraded_performance"}, cause="code_change"
    )
    assert not OutboundEmail.objects.filter(recipient="ops@shop.example", subject__contains="Shopify late").exists()

    client.post(url, {"components": [picker["shopify"].pk]})  # saving a choice resumes the updates
    subscriber.refresh_from_db()
    assert subscriber.is_active and chosen(subscriber) == {"Shopify"}


def test_a_forged_cut_or_expired_link_says_so_and_changes_nothing(client, picker) -> None:
    subscriber = confirmed(components=[picker["ctt"]])
    url = path(subscriptions.manage_url(subscriber))
    unsubscribe_token = subscriptions.unsubscribe_url(subscriber).rstrip("/").rsplit("/", 1)[1]
    for bad in (
        reverse("status:subscription", args=["forged"]),
        url[:-6] + "/",
        reverse("status:subscription", args=[unsubscribe_token]),
    ):
        assert client.get(bad).status_code == 400
        response = client.post(bad, {"unsubscribe": ""})
        assert response.status_code == 400 and "This link does not work" in response.content.decode()
        assert client.post(bad, {"components": [picker["shopify"].pk]}).status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = client.post(url, {"unsubscribe": ""})
        assert response.status_code == 400 and "links to manage a subscription last 90 days" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_active and chosen(subscriber) == {"CTT"}


def test_confirming_offers_the_manage_page(client, picker) -> None:
    subscriber = subscriptions.subscriber_subscribe(email="new@shop.example")
    page = client.get(path(subscriptions.confirm_url(subscriber))).content.decode()
    assert "Subscription confirmed" in page
    link = re.search(r'href="(/status/subscription/[^"]+/)"', page)
    assert link and client.get(link.group(1)).status_code == 200


def test_the_subscribe_form_groups_its_components_and_takes_a_whole_group(client, picker) -> None:
    page = client.get(reverse("status:subscribe")).content.decode()
    assert page.index("Carriers · Portugal") < page.index("CTT") < page.index("Shop integrations") < page.index("Shopify")
    assert 'src="/static/js/status.js"' in page and "<script>" not in page
    client.post(reverse("status:subscribe"), {"email": "g@shop.example", "groups": [picker["correos"].group_id]})
    assert {c.name for c in Subscriber.objects.get(email="g@shop.example").components.all()} == {"Correos", "SEUR"}
