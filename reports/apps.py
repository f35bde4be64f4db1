from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from reports import receivers  # noqa: F401 - connects the signal receivers
        from reports.aggregates import sqlite_register

        connection_created.connect(sqlite_register, dispatch_uid="reports-sqlite-percentile")
