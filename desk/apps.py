from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"

    def ready(self) -> None:
        from desk import counts, lists
        from desk.notifications import on_customer_comment_unattended, on_ticket_event
        from tickets.signals import customer_comment_unattended, ticket_event_recorded

        ticket_event_recorded.connect(on_ticket_event, dispatch_uid="desk-agent-notifications")
        customer_comment_unattended.connect(on_customer_comment_unattended, dispatch_uid="desk-unattended-comments")
        lists.connect()
        counts.connect()
