"""Reading API tokens: a user only ever reaches their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from api.models import ApiToken


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get_for(*, user: User, token_id: int) -> ApiToken:
    try:
        return tokens_of(user=user).get(pk=token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
