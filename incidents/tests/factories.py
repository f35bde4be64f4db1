from __future__ import annotations

from incidents.models import Component, ComponentGroup


def component(name: str = "Label creation", group: str = "Platform", **kwargs: object) -> Component:
    group_obj, _ = ComponentGroup.objects.get_or_create(name=group)
    return Component.objects.create(name=name, group=group_obj, **kwargs)  # type: ignore[arg-type]
