"""What the portal tells a customer after they acted: only what did happen."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tickets.workflow import CommentOutcome


def comment_outcome_message(outcome: CommentOutcome) -> str:
    """The flash message after a comment: reopened or followed up, and who was told."""
    parts = []
    if outcome.follow_up is not None:
        parts.append(
            _("That request was closed, so your comment opened a new one, %(reference)s, linked to it.")
            % {"reference": outcome.follow_up.reference}
        )
    elif outcome.reopened:
        parts.append(_("Your comment was added and the request is open again."))
    else:
        parts.append(_("Your comment was added."))
    if outcome.notified == "assignee":
        parts.append(_("%(name)s, who handles it, has been told.") % {"name": outcome.assignee_name})
    elif outcome.notified == "team":
        parts.append(_("Nobody has taken it yet, so the support team has been told."))
    return " ".join(parts)
