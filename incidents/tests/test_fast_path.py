"""The cached status JSON is answered before sessions and auth run: same bytes, no database, never stale."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from incidents import publishing
from incidents.middleware import CACHED_JSON
from incidents.tests.factories import component

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", sorted(CACHED_JSON))
def test_the_fast_path_answers_what_the_view_answers(client, url_name: str) -> None:
    component("Correos", group="Carriers · Spain")
    url = reverse(url_name)
    built = client.get(url)  # a miss: the view builds and caches it through the whole stack
    served = client.get(url)

    assert served.status_code == built.status_code == 200
    assert served.content == built.content
    assert served["Content-Type"] == built["Content-Type"] == "application/json"
    assert served["Access-Control-Allow-Origin"] == "*"
    assert "X-Frame-Options" in built and "X-Frame-Options" not in served, "the second answer skipped the stack"


def test_a_signed_in_reader_polls_without_touching_the_database(client, world, django_assert_num_queries) -> None:
    client.force_login(world.agent)  # a session cookie: the full stack would load the session and the user
    url = reverse("status:api_summary")
    client.get(url)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200 and not response.cookies


def test_a_status_change_is_served_at_once(client) -> None:
    labels = component("Correos", group="Carriers · Spain")
    url = reverse("status:api_status")
    assert json.loads(client.get(url).content)["status"]["indicator"] == "none"
    assert json.loads(client.get(url).content)["status"]["indicator"] == "none"  # now from the fast path

    publishing.component_status_change(component=labels, status="major_outage")
    assert json.loads(client.get(url).content)["status"]["indicator"] == "critical"


def test_preflight_and_other_methods_still_reach_the_view(client) -> None:
    url = reverse("status:api_summary")
    client.get(url)
    preflight = client.options(url)
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


def test_a_forged_host_is_refused_on_the_fast_path_too(client) -> None:
    url = reverse("status:api_summary")
    client.get(url)
    assert client.get(url, HTTP_HOST="evil.example").status_code == 400
