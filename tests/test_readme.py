"""README documents every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def test_every_environment_variable_is_in_the_readme():
    settings_text = (ROOT / "supportdesk" / "settings.py").read_text()
    names = set(READ.findall(settings_text))
    assert "DATABASE_URL" in names and "REDIS_URL" in names, "the pattern still finds what settings read"
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"document these in README.md: {missing}"
