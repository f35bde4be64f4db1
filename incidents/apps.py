from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Status page"

    def ready(self) -> None:
        from incidents import signals  # noqa: F401 - connects the cache invalidation
