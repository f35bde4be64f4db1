from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"

    def ready(self) -> None:
        from sla import receivers  # noqa: F401 - connects the signal receivers
