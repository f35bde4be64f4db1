"""A signed-in customer's membership and organisation, read together before anything asks for either."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.models import User
from customers.models import Membership


class CustomerMembershipMiddleware:
    """The language, the portal's pages and every selector ask for ``user.membership.organisation``: two queries
    when each is fetched on first use, one here. Support staff have no membership and are not asked about it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_customer:
            membership = Membership.objects.select_related("organisation").filter(user=user).first()
            if membership is not None:
                user.membership = membership  # cached on the user, as the first access would have
        return self.get_response(request)
