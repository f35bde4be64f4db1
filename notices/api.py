"""POST /api/v1/notices/: monitoring raises an alert or a warning with a service key.

A plain view for now; the logic lives in ``notices.services`` and
``notices.forms`` so that it can move under the REST framework unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from notices import services
from notices.forms import NoticeApiForm
from notices.models import Notice, ServiceKey, service_key_hash
from notices.selectors import mail_states_of

FIELDS = ("account_id", "kind", "area", "environment", "title", "description", "call_to_action", "idempotency_key")


def service_key_authenticate(request: HttpRequest) -> ServiceKey | None:
    """The active key named by ``Authorization: Bearer <key>``, marked as used; None otherwise."""
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key.startswith(ServiceKey.PREFIX):
        return None
    service_key = ServiceKey.objects.filter(key_hash=service_key_hash(key), active=True).first()
    if service_key is not None:
        ServiceKey.objects.filter(pk=service_key.pk).update(last_used_at=timezone.now())
    return service_key


def _error(status: int, message: str, fields: dict[str, list[str]] | None = None, **headers: str) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status, headers=headers or None)


def notice_json(notice: Notice) -> dict[str, Any]:
    states = mail_states_of([notice])[notice.pk]
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "account_id": notice.organisation.account_id,
        "area": notice.area.name,
        "environment": notice.environment.name if notice.environment else "",
        "title": notice.title,
        "ticket": notice.ticket.reference,
        "created_at": notice.created_at.isoformat(),
        "idempotency_key": notice.idempotency_key,
        "emails": dict(states),
    }


@csrf_exempt  # authenticated by a bearer key, never by a cookie: there is no session to forge
@login_not_required
def notice_create(request: HttpRequest) -> JsonResponse:
    service_key = service_key_authenticate(request)
    if service_key is None:
        return _error(401, "Send an active service key: Authorization: Bearer <key>.", **{"WWW-Authenticate": "Bearer"})
    if request.method != "POST":
        return _error(405, "Use POST.", Allow="POST")
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The body is not valid JSON.")
    if not isinstance(payload, dict):
        return _error(400, "The body must be a JSON object.")
    unknown = sorted(set(payload) - set(FIELDS))
    wrong_type = [name for name in FIELDS if name in payload and not isinstance(payload[name], str | None)]
    if unknown or wrong_type:
        fields = {name: ["Unknown field."] for name in unknown} | {name: ["Must be a string."] for name in wrong_type}
        return _error(400, "The notice is not valid.", fields)

    header_key = request.headers.get("Idempotency-Key", "").strip()
    body_key = (payload.get("idempotency_key") or "").strip()
    if header_key and body_key and header_key != body_key:
        return _error(400, "The Idempotency-Key header and the idempotency_key field differ.")
    idempotency_key = header_key or body_key
    if len(idempotency_key) > 200:
        return _error(400, "The notice is not valid.", {"idempotency_key": ["At most 200 characters."]})

    form = NoticeApiForm({**payload, "idempotency_key": idempotency_key})
    first = Notice.objects.filter(service_key=service_key, idempotency_key=idempotency_key).first() if idempotency_key else None
    if first is not None:  # a retry: the first answer again, even if the world changed since
        return JsonResponse(notice_json(first), status=200)
    if not form.is_valid():
        fields = {name: [str(e["message"]) for e in errors] for name, errors in form.errors.get_json_data().items()}
        return _error(400, "The notice is not valid.", fields)
    data = form.cleaned_data
    try:
        notice, created = services.notice_raise(
            organisation=data["account_id"], kind=data["kind"], area=data["area"], environment=data["environment"],
            title=data["title"], description=data["description"], call_to_action=data["call_to_action"],
            service_key=service_key, idempotency_key=idempotency_key,
        )
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        return _error(400, " ".join(exc.messages) if fields is None else "The notice is not valid.", fields)
    return JsonResponse(notice_json(notice), status=201 if created else 200)
