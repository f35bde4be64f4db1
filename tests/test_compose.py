"""docker-compose.yml is the production shape: it never seeds the demo logins and their public password."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_the_production_shape_creates_no_demo_users() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    commands = {name: str(service.get("command", "")) for name, service in compose["services"].items()}

    assert "migrate" in commands["web"]
    assert not [name for name, command in commands.items() if "seed_demo" in command]
    assert compose["x-app"]["environment"]["DEBUG"] == "false"
