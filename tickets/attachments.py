"""What files a ticket accepts, and how each is served back.

Names lie and browsers guess, so the type is decided from the file's first
bytes where that matters: executables and scripts are refused whatever they
are called, and only real PNG/JPEG/GIF/WebP images are ever shown inline.
Everything else is served as a download with ``nosniff``.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.http import FileResponse

if TYPE_CHECKING:
    from tickets.models import Attachment

# Files one upload (a request, a comment, an API call) may carry.
MAX_FILES = 10

# Refused outright: things that run when opened.
DANGEROUS_EXTENSIONS = frozenset(
    {
        ".exe",
        ".dll",
        ".com",
        ".bat",
        ".cmd",
        ".msi",
        ".msp",
        ".scr",
        ".pif",
        ".cpl",
        ".sys",
        ".drv",
        ".ps1",
        ".psm1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".mjs",
        ".wsf",
        ".wsh",
        ".hta",
        ".sh",
        ".bash",
        ".zsh",
        ".csh",
        ".ksh",
        ".php",
        ".phtml",
        ".pl",
        ".cgi",
        ".jar",
        ".apk",
        ".app",
        ".dmg",
        ".pkg",
        ".deb",
        ".rpm",
        ".lnk",
        ".reg",
        ".scf",
        ".inf",
        ".gadget",
        ".application",
        ".xbap",
        ".elf",
        ".bin",
        ".run",
        ".command",
    }
)
DANGEROUS_MAGIC = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (b"\xce\xfa\xed\xfe", "a macOS executable"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java executable"),
    (b"#!", "a script"),
)
PREVIEWABLE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def dangerous_reason(*, name: str, head: bytes) -> str | None:
    """Why this file is refused, or None when it may be stored."""
    extension = PurePosixPath(name.lower()).suffix
    if extension in DANGEROUS_EXTENSIONS:
        return f"{extension} files can run programs"
    for magic, what in DANGEROUS_MAGIC:
        if head.startswith(magic):
            return f"the file is {what}"
    return None


def sniff_content_type(*, name: str, head: bytes) -> str:
    """The type we record: a sniffed image type, else a guess from the name."""
    for magic, content_type in IMAGE_MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    guessed, _encoding = mimetypes.guess_type(name)
    if guessed in PREVIEWABLE_TYPES:
        # Calls itself an image but does not start like one: not an image.
        return "application/octet-stream"
    return guessed or "application/octet-stream"


def served_content_type(content_type: str) -> str:
    """Only verified images keep their type; the rest is opaque bytes to the browser."""
    return content_type if content_type in PREVIEWABLE_TYPES else "application/octet-stream"


def attachment_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """A stored file as the browser gets it, from the portal, the desk or the API alike.

    A download unless ``inline`` is asked for a verified image; never sniffed, never
    cached by a shared cache, and sandboxed should a browser render it all the same.
    """
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not (inline and attachment.is_previewable),
        filename=attachment.original_name,
        content_type=served_content_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


MAX_NAME_LENGTH = 255


def safe_download_name(name: str) -> str:
    """The original name without path parts or control characters, for Content-Disposition.

    Only ever a label: files are stored under random names. Too long a name is
    shortened before its extension, so that it still opens with the right program.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n').strip()
    if not cleaned.strip("."):
        return "attachment"
    if len(cleaned) > MAX_NAME_LENGTH:
        suffix = PurePosixPath(cleaned).suffix[:16]
        cleaned = cleaned[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return cleaned
