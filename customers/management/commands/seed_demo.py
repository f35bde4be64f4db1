from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand

# Each module has seed(); customers.demo comes first and returns the logins.
SEEDERS = ["customers.demo", "tickets.demo", "notices.demo", "incidents.demo", "monitoring.demo"]


class Command(BaseCommand):
    help = "Load the demo organisations, people and data. Safe to run again: existing data is kept."

    def handle(self, *args: Any, **options: Any) -> None:
        from customers.demo import DEMO_PASSWORD

        logins = []
        for module in SEEDERS:
            result = import_module(module).seed()
            if module == "customers.demo":
                logins = result
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/accounts/login/"))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role:<45} lands on {login.where}")
