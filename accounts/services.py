"""Changes to a person's own account."""

from __future__ import annotations

from accounts.languages import language_supported
from accounts.models import User


def user_language_set(*, user: User, language: str) -> None:
    """Remember the language a person picked; an empty one follows their browser again."""
    chosen = language_supported(language) or ""
    if user.language != chosen:
        user.language = chosen
        user.save(update_fields=["language"])
