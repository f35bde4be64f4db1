"""Our error pages: in the layout of where the visitor was, with a way back, never Django's URL list."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from supportdesk import errors
from tests.browser import screenshot, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, path, layout, back",
    [
        (None, "/nowhere/", "Go to sign in", "/accounts/login/"),
        ("alice", "/portal/tickets/999999/", "Back to my requests", "/portal/"),
        ("agent", "/desk/tickets/999999/", "Back to the queue", "/desk/"),
        (None, "/status/incidents/999999/", "Back to the status page", "/status/"),
    ],
)
def test_a_404_is_ours_in_the_right_layout(client, world, who, path, layout, back):
    if who:
        client.force_login(getattr(world, who))
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in page and f'href="{back}"' in page and layout in page
    assert "URLconf" not in page and "urlpatterns" not in page and "api/v1" not in page


def test_400_403_and_500_pages_say_what_happened_and_offer_a_way_back(world):
    request = RequestFactory().get("/portal/x/")
    request.user = world.alice
    assert errors.bad_request(request).status_code == 400
    denied = errors.permission_denied(request, PermissionDenied())
    assert denied.status_code == 403 and "You cannot do that here" in denied.content.decode()
    failed = errors.server_error(request)
    assert failed.status_code == 500 and "Something went wrong on our side" in failed.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_defaults")
def test_a_customer_on_a_missing_page_sees_ours_and_gets_back(page, world):
    sign_in(page, "alice@alpha.example")
    response = page.goto("/portal/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", name="We could not find that page").is_visible()
    screenshot(page, "error-404-portal")
    screenshot(page, "error-404-portal", phone=True)
    page.click("text=Back to my requests")
    assert page.url.endswith("/portal/")
