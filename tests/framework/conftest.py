"""Fixtures for the framework tests.

The session database already holds the whole bundled framework (see
tests/conftest.py); these fixtures provide editable copies of the bundle and
official-text files written in the import format.
"""

import shutil
from pathlib import Path

import pytest

from gcmhub.framework.catalogue import DATA_DIR
from tests.framework.helpers import official_text_markdown


@pytest.fixture
def bundle_dir(tmp_path) -> Path:
    """A private copy of the bundled YAML files that a test may edit."""
    target = tmp_path / "bundle"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def write_official_text(tmp_path):
    """Write an import file for the given objectives and return its path."""

    def write(objectives, *, language: str = "en", name: str = "official.md", text=None) -> Path:
        path = tmp_path / name
        path.write_text(official_text_markdown(objectives, language, text), encoding="utf-8")
        return path

    return write
