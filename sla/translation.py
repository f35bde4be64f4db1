"""Admin-written texts that customers read, in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from sla.models import Severity


@register(Severity)
class SeverityTranslation(TranslationOptions):
    fields = ("name", "definition")
