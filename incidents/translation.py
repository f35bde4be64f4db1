"""Admin-written texts the public reads, in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from incidents.models import Component, ComponentGroup


@register(ComponentGroup)
class ComponentGroupTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Component)
class ComponentTranslation(TranslationOptions):
    fields = ("name", "description")
