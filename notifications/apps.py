from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # The services enqueue the tasks by name; registering them here means a name always finds its task.
        from notifications import tasks  # noqa: F401
