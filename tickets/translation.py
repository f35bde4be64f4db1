"""Admin-written texts that customers read, in every language (django-modeltranslation).

A field's choices are translated position by position: the English list holds the values that
are stored with a ticket, each language's list the labels shown for them (TicketField.choice_pairs).
"""

from modeltranslation.translator import TranslationOptions, register

from tickets.models import TicketField, TicketType


@register(TicketType)
class TicketTypeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(TicketField)
class TicketFieldTranslation(TranslationOptions):
    fields = ("label", "help_text", "choices")
    # An untranslated list is empty, not NULL: it too falls back to English.
    fallback_undefined: dict[str, list[str]] = {"choices": []}
