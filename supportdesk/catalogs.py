"""The translation catalogs (locale/<lang>/LC_MESSAGES/django.po): compile, list gaps, fill gaps.

    python -m supportdesk.catalogs extract              # makemessages for every catalog (what `make messages` runs)
    python -m supportdesk.catalogs compile              # .po → .mo where the .mo is missing or older
    python -m supportdesk.catalogs untranslated [FILE]  # every missing, untranslated or fuzzy entry, as a TSV to fill
    python -m supportdesk.catalogs fill FILE.tsv ...    # write the TSV's translations into the catalogs

Pure Python (polib), so that a newcomer needs no gettext tools; CI also runs Django's
compilemessages, and the catalog test `msgfmt --check`.

The TSV has a header row `msgid<TAB>es<TAB>pt_BR` (one column per catalog); a cell holds the
translation with backslash escapes (\\n, \\t, \\\\). A plural entry's msgid cell is
`singular || plural` and its translation cells are the forms joined by ` || `. A msgctxt is
written `context :: msgid`. An empty cell leaves that catalog alone.
"""

from __future__ import annotations

import os
import subprocess  # nosec B404 - runs our own manage.py
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
LOCALES = ("es", "pt_BR")
DOMAINS = ("django", "djangojs")
# What makemessages reads: our code and templates, not the tests, benchmarks, drills or the venv.
# Locations without line numbers, so that a catalog changes only when its strings do.
# JavaScript has no text of its own (it reads it from data attributes in templates): no djangojs.
MAKEMESSAGES_ARGS = (
    *(f"--locale={locale}" for locale in LOCALES),
    "--domain=django",
    "--no-obsolete",
    "--add-location=file",
    *(
        f"--ignore={pattern}"
        for pattern in (
            ".venv",
            "var",
            "staticfiles",
            "bench",
            "faults",
            "tests",
            "*/tests",
            "conftest.py",
            "locale",
        )
    ),
)
PLURAL = " || "
CONTEXT = " :: "


def catalog_paths(locale: str) -> Iterator[Path]:
    for domain in DOMAINS:
        path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            yield path


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def entry_key(entry: polib.POEntry) -> str:
    key = escape(entry.msgid) + (PLURAL + escape(entry.msgid_plural) if entry.msgid_plural else "")
    return f"{entry.msgctxt}{CONTEXT}{key}" if entry.msgctxt else key


def entry_done(entry: polib.POEntry) -> bool:
    if entry.obsolete:
        return True
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def gaps(po: polib.POFile) -> list[polib.POEntry]:
    """Entries a reader would see in English: untranslated or fuzzy."""
    return [entry for entry in po if not entry.obsolete and not entry_done(entry)]


def extract(root: Path = BASE_DIR) -> None:
    """Run makemessages in `root` (the project, or a scratch copy of it in the catalog test)."""
    subprocess.run(  # noqa: S603  # nosec B603 - fixed arguments
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_ARGS],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def compile_all(locales: Iterable[str] = LOCALES) -> list[Path]:
    written = []
    for locale in locales:
        for po_path in catalog_paths(locale):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            # Written aside and moved into place: parallel test processes may compile at once.
            handle, scratch = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
            os.close(handle)
            polib.pofile(str(po_path)).save_as_mofile(scratch)
            os.replace(scratch, mo_path)
            written.append(mo_path)
    return written


def untranslated_rows() -> list[dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        for po_path in catalog_paths(locale):
            for entry in gaps(polib.pofile(str(po_path))):
                rows.setdefault(entry_key(entry), {"msgid": entry_key(entry)})
    return list(rows.values())


def fill(tsv_paths: Iterable[Path]) -> dict[str, int]:
    """Write every non-empty cell into its catalog; clears the fuzzy flag of what it writes."""
    wanted: dict[str, dict[str, str]] = {locale: {} for locale in LOCALES}
    for tsv_path in tsv_paths:
        lines = Path(tsv_path).read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        for line in lines[1:]:
            if not line.strip():
                continue
            row = dict(zip(header, line.split("\t"), strict=False))
            for locale in LOCALES:
                cell = row.get(locale, "").rstrip("\r")
                if cell.strip():
                    wanted[locale][row["msgid"]] = cell
    counts = {}
    for locale in LOCALES:
        counts[locale] = 0
        for po_path in catalog_paths(locale):
            po = polib.pofile(str(po_path), wrapwidth=79)
            _header_settle(po, locale)
            for entry in po:
                wanted_cell = wanted[locale].get(entry_key(entry))
                if wanted_cell is None or entry.obsolete:
                    continue
                cell = wanted_cell
                if entry.msgid_plural:
                    forms = [unescape(form) for form in cell.split(PLURAL)]
                    slots = _plural_count(po)
                    forms = (forms + forms[-1:] * slots)[:slots]
                    entry.msgstr_plural = dict(enumerate(forms))
                else:
                    entry.msgstr = unescape(cell)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                counts[locale] += 1
            po.save(str(po_path))
    return counts


def _plural_count(po: polib.POFile) -> int:
    """nplurals of the catalog's Plural-Forms; extra forms repeat the last one written."""
    for part in po.metadata.get("Plural-Forms", "").split(";"):
        name, _sep, value = part.strip().partition("=")
        if name.strip() == "nplurals" and value.strip().isdigit():
            return int(value)
    return 2


def _header_settle(po: polib.POFile, locale: str) -> None:
    """makemessages writes a template's header (fuzzy, "PACKAGE VERSION"); msgfmt --check wants a real one."""
    po.metadata_is_fuzzy = False
    po.metadata.update(
        {
            "Project-Id-Version": "Supportdesk",
            "Language": locale,
            "Language-Team": {"es": "Spanish (Latin America)", "pt_BR": "Portuguese (Brazil)"}.get(locale, locale),
            "Last-Translator": "Supportdesk <support@supportdesk.example>",
            "PO-Revision-Date": po.metadata.get("POT-Creation-Date", ""),
        }
    )
    po.header = "Supportdesk's catalog. Built by `make messages`; see docs/glossary.md for the words we use."


def main(argv: list[str]) -> int:
    command, *rest = argv or ["help"]
    if command == "extract":
        extract()
        return 0
    if command == "compile":
        for path in compile_all():
            print(f"compiled {path.relative_to(BASE_DIR)}")
        return 0
    if command == "untranslated":
        rows = untranslated_rows()
        text = "".join(f"{line}\n" for line in ["\t".join(["msgid", *LOCALES]), *(row["msgid"] + "\t" * len(LOCALES) for row in rows)])
        if rest:
            Path(rest[0]).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        print(f"{len(rows)} entries to translate", file=sys.stderr)
        return 0
    if command == "fill" and rest:
        for locale, count in fill(Path(path) for path in rest).items():
            print(f"{locale}: {count} entries written")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
