from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"

    def ready(self) -> None:
        from desk.notifications import on_ticket_event
        from tickets.signals import ticket_event_recorded

        ticket_event_recorded.connect(on_ticket_event, dispatch_uid="desk-agent-notifications")
