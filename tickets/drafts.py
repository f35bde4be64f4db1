"""Files chosen on a form that came back with errors, kept server-side under a signed draft token.

A browser never re-sends a file input after a round trip, so without this every
chosen file is lost on any error. The files that passed the attachment checks
are stored under ``drafts/<user id>/``; the page carries a signed token naming
them (only that user can redeem it, for ``ATTACHMENT_DRAFT_MAX_AGE``), and the
next post adds them to whatever is chosen then.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from tickets.attachments import safe_download_name
from tickets.services import attachment_validate

SALT = "tickets.attachment-draft"


@dataclass(frozen=True)
class DraftFile:
    path: str
    name: str
    content_type: str
    size: int


@dataclass
class Draft:
    files: list[DraftFile] = field(default_factory=list)

    @property
    def token(self) -> str:
        if not self.files:
            return ""
        return signing.dumps([[f.path, f.name, f.content_type, f.size] for f in self.files], salt=SALT, compress=True)

    def uploads(self) -> list[UploadedFile[bytes]]:
        """The kept files, ready to store like freshly uploaded ones."""
        return [
            UploadedFile(file=default_storage.open(f.path, "rb"), name=f.name, content_type=f.content_type, size=f.size)
            for f in self.files
        ]


def _prefix(user: User) -> str:
    return f"drafts/{user.pk}/"


def draft_load(*, user: User, token: str, keep: list[str] | None = None) -> Draft:
    """The draft a page carried, if it is this user's and not expired; ``keep`` lists the
    indexes still ticked (None: all of them). Anything else is an empty draft."""
    if not token:
        return Draft()
    max_age = getattr(settings, "ATTACHMENT_DRAFT_MAX_AGE", 24 * 3600)
    try:
        rows = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return Draft()
    files = []
    for index, row in enumerate(rows):
        path, name, content_type, size = row
        if not str(path).startswith(_prefix(user)) or not default_storage.exists(path):
            continue
        if keep is not None and str(index) not in keep:
            default_storage.delete(path)
            continue
        files.append(DraftFile(path=str(path), name=str(name), content_type=str(content_type), size=int(size)))
    return Draft(files=files)


def draft_keep(*, user: User, draft: Draft, uploads: list[UploadedFile[bytes]]) -> Draft:
    """Add the chosen files that pass the attachment checks to the draft; refused ones are not kept."""
    files = list(draft.files)
    for upload in uploads:
        try:
            attachment_validate(upload)
        except ValidationError:
            continue
        name = safe_download_name(upload.name or "")[:200]
        suffix = PurePosixPath(name).suffix.lower()[:16]
        path = default_storage.save(f"{_prefix(user)}{uuid.uuid4().hex}{suffix}", upload)
        files.append(DraftFile(path=path, name=name, content_type=upload.content_type or "", size=upload.size or 0))
    return Draft(files=files)


def draft_discard(draft: Draft) -> None:
    """The files were stored on the ticket: their draft copies go."""
    for f in draft.files:
        default_storage.delete(f.path)
