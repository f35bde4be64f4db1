"""Idempotency keys on POST: a retried request gets the first answer, not a second ticket."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import IdempotencyConflict
from api.services import idempotency_find, idempotency_remember, idempotency_request_hash
from monitoring.models import ServiceKey

HEADER = "Idempotency-Key"
Handler = Callable[..., Response]


def _replay(stored: Any) -> Response:
    return Response(stored.response_body, status=stored.response_status, headers={"Idempotent-Replayed": "true"})


def idempotent(handler: Handler) -> Handler:
    """Same key, same sender (person or service key), same request: the stored first answer. Same key, another request: 422."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if isinstance(request.auth, ServiceKey):
            owner: dict[str, Any] = {"service_key": request.auth}
        elif request.user.is_authenticated:
            owner = {"user": request.user}
        else:
            return handler(view, request, *args, **kwargs)
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255:
            raise exceptions.ValidationError({HEADER: [_("Use a key of at most 255 characters.")]})
        request_hash = idempotency_request_hash(method=request.method, path=request.get_full_path(), body=request.body)
        stored = idempotency_find(**owner, key=key)
        if stored is not None:
            if stored.request_hash != request_hash:
                raise IdempotencyConflict(_("This Idempotency-Key was already used with a different request."))
            return _replay(stored)
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    body = json.loads(JSONRenderer().render(response.data) or b"null")
                    idempotency_remember(
                        **owner, key=key, request_hash=request_hash, status=response.status_code, body=body,
                    )
        except IntegrityError:
            # A concurrent twin with the same key committed first: answer as it did.
            stored = idempotency_find(**owner, key=key)
            if stored is None:
                raise
            if stored.request_hash != request_hash:
                raise IdempotencyConflict(_("This Idempotency-Key was already used with a different request.")) from None
            return _replay(stored)
        return response

    return wrapper
