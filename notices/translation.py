"""Admin-written texts that customers read, in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from notices.models import ProductArea


@register(ProductArea)
class ProductAreaTranslation(TranslationOptions):
    fields = ("name", "description")
