from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = _("Email channel")

    def ready(self) -> None:
        # The intake enqueues its tasks by name; registering them here means a name always finds its task.
        from mail import tasks  # noqa: F401
