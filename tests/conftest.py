from __future__ import annotations

from pathlib import Path

import pytest

from objcoach.catalog import load_catalog
from objcoach.models import Catalog

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own OBJCOACH_HOME and no catalog or language from the environment."""
    home = tmp_path / "home"
    monkeypatch.setenv("OBJCOACH_HOME", str(home))
    for name in ("OBJCOACH_CATALOG", "OBJCOACH_LANG", "OBJCOACH_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()
