"""Supply chain: fail on a known vulnerability in the pinned requirements (pip-audit).

pip-audit asks a vulnerability service (PyPI's JSON API by default) about each pinned package.
Where that service cannot be reached or does not know a version, pip-audit skips the package:
that is reported here as NOT AUDITED, by name, never as a pass. With PIP_AUDIT_STRICT=true a
package that could not be audited fails the step too (for a CI that reaches the service).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [
            str(ROOT / ".venv" / "bin" / "pip-audit"),
            "-r",
            str(ROOT / "requirements-dev.txt"),
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stderr.strip() or result.stdout.strip())
        print("pip-audit gave no report: the audit did not run.")
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dependency['name']} {dependency.get('version', '')}: {vuln['id']} (fixed in {fixes})")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} pinned packages audited, {len(vulnerable)} with a known vulnerability.")
    if skipped:
        print(
            f"NOT AUDITED ({len(skipped)}): the vulnerability service could not be asked about these; they are not known to be safe:"
        )
        for dependency in skipped:
            print(f"  {dependency['name']}: {dependency['skip_reason']}")
    if vulnerable:
        return 1
    if skipped and os.environ.get("PIP_AUDIT_STRICT", "").lower() == "true":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
