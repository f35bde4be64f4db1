"""Idempotency keys on POST: a retried request gets the first answer, not a second ticket."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any, overload

from django.db import IntegrityError, transaction
from django.http import QueryDict
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


def request_fingerprint(request: Request) -> str:
    """What makes two requests the same: for JSON the body as sent; for a multipart upload the fields
    and each file's name, size and SHA-256, since a client re-encoding its retry picks a new boundary."""
    content_type = request.content_type or ""
    if not content_type.startswith("multipart/form-data"):
        body = request.body
    else:
        form = request.data
        assert isinstance(form, QueryDict)  # what DRF's multipart parser gives
        fields = sorted((name, value) for name, values in form.lists() for value in values if not hasattr(value, "read"))
        files = []
        for name, uploads in request.FILES.lists():
            for upload in uploads:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
                files.append((name, upload.name or "", upload.size or 0, digest.hexdigest()))
        body = json.dumps({"fields": fields, "files": sorted(files)}, sort_keys=True).encode()
    return idempotency_request_hash(method=request.method or "", path=request.get_full_path(), body=body)


def header_key(request: Request) -> str:
    return request.headers.get(HEADER, "").strip()


@overload
def idempotent(handler: Handler, *, key_of: Callable[[Request], str] = ...) -> Handler: ...
@overload
def idempotent(handler: None = None, *, key_of: Callable[[Request], str] = ...) -> Callable[[Handler], Handler]: ...
def idempotent(handler: Handler | None = None, *, key_of: Callable[[Request], str] = header_key) -> Any:
    """Same key, same sender (person or service key), same request: the stored first answer. Same key,
    another request: 422. Every POST of the API takes it; ``key_of`` reads a key sent another way too."""
    if handler is None:
        return lambda inner: idempotent(inner, key_of=key_of)

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        if isinstance(request.auth, ServiceKey):
            owner: dict[str, Any] = {"service_key": request.auth}
        elif request.user.is_authenticated:
            owner = {"user": request.user}
        else:
            return handler(view, request, *args, **kwargs)
        key = key_of(request)
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255:
            raise exceptions.ValidationError({HEADER: [_("Use a key of at most 255 characters.")]})
        request_hash = request_fingerprint(request)
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
                        **owner,
                        key=key,
                        request_hash=request_hash,
                        status=response.status_code,
                        body=body,
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
