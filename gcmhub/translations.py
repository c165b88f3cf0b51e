"""Compile every .po catalogue in the package into the .mo file Django reads.

`make demo` and `make test` run this with ``python -m gcmhub.translations``.
It uses polib (pure Python) rather than GNU gettext's msgfmt, so a fresh
machine needs nothing beyond Python to get a translated site.
"""

import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent


def catalogues(root: Path = PACKAGE_DIR) -> list[Path]:
    return sorted(root.glob("**/locale/*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo next to ``po_path``; fuzzy entries are left out, as msgfmt does."""
    mo_path = po_path.with_suffix(".mo")
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue.fuzzy_entries():
        catalogue.remove(entry)
    catalogue.save_as_mofile(str(mo_path))
    return mo_path


def compile_all(root: Path = PACKAGE_DIR) -> int:
    compiled = 0
    for po_path in catalogues(root):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            compile_catalogue(po_path)
            compiled += 1
    return compiled


if __name__ == "__main__":
    count = compile_all()
    print(f"Translations: {count} catalogue(s) compiled, {len(catalogues()) - count} already up to date.")
    sys.exit(0)
