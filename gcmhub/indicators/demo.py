"""The demo site's indicator data: a small extract of real public datasets.

``demo_data/`` holds files written by ``gcmhub build_demo_extract`` from the
raw files in ``settings.SHARED_DATA_DIR`` — read with the project's own
readers, kept to the migration indicators, written back in formats those
readers accept (``SOURCES.md`` there names every source). The raw files are
never committed.

``load_demo_indicators()`` imports the extract through the normal import
service (reader → loader), as the operator would with ``gcmhub import``.
It is idempotent: a file whose exact content was imported already is
skipped, and importing it again would change nothing anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
MAX_BYTES = 4 * 1024 * 1024

# (file, import format, reader options): imported in this order.
DEMO_FILES = (
    ("unsd-sdg-global.csv", "tidy", {}),
    ("national-open-sdg-10-7-2.csv", "tidy", {}),
    ("iom-missing-migrants.csv", "tidy", {}),
    ("worldbank-wdi.csv", "wdi", {}),
    ("unhcr-population.csv", "unhcr", {}),
    ("undesa-ims-2020-table1.csv", "desa-stock", {}),
    ("undesa-ims-2020-table3.csv", "desa-stock", {}),
)


@dataclass(frozen=True)
class DemoLoad:
    file: str
    skipped: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batch_id: int | None = None


def demo_files() -> list[Path]:
    return [DEMO_DIR / name for name, _format, _options in DEMO_FILES]


def extract_size() -> int:
    """Bytes of the committed extract (data, mappings and SOURCES.md)."""
    return sum(path.stat().st_size for path in DEMO_DIR.iterdir() if path.is_file())


def load_demo_indicators(*, force: bool = False) -> list[DemoLoad]:
    """Import the committed extract; skip files already imported unchanged.

    Runs as the system operator (``actor=None``), like ``gcmhub import``.
    Raises ``ImportRejected`` if a file has problems (nothing is written).
    """
    from .models import ImportBatch
    from .services import file_sha256, run_import

    loaded = []
    for name, fmt, options in DEMO_FILES:
        path = DEMO_DIR / name
        digest = file_sha256(path)
        done = ImportBatch.objects.filter(
            sha256=digest, file_name=name, status=ImportBatch.Status.SUCCEEDED
        ).first()
        if done is not None and not force:
            loaded.append(DemoLoad(name, True, batch_id=done.pk))
            continue
        result = run_import(None, fmt, path, options=dict(options), file_name=name)
        loaded.append(DemoLoad(name, False, result.created, result.updated, result.unchanged, result.batch_id))
    return loaded
