from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.second_factor import note_enrolment

        user_logged_in.connect(note_enrolment, dispatch_uid="accounts-second-factor-enrolment")
