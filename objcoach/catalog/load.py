"""Which catalog files to load, and loading them: parsed and validated, or from the cache when unchanged."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from objcoach.catalog import cache
from objcoach.catalog.model import Catalog
from objcoach.errors import CatalogError

CATALOG_ENV = "OBJCOACH_CATALOG"
TEAM_CATALOG_NAME = "team.yaml"


def bundled_catalog_path() -> Path:
    # a plain path beside the package: the wheel installs package data as files
    return Path(__file__).resolve().parent.parent / "data" / "objections.yaml"


def team_catalog_path() -> Path:
    """The team catalog in the user's data folder: where `review --accept` keeps the answers it adds to the
    bundled catalog's objections, which are never written into the installed package."""
    from objcoach.paths import home

    return home() / TEAM_CATALOG_NAME


def is_bundled(path: str | Path) -> bool:
    return os.path.realpath(path) == os.path.realpath(bundled_catalog_path())


def catalog_paths(extra: Sequence[Path] | None = None) -> list[Path]:
    """The bundled catalog, the team catalog (once it exists), then OBJCOACH_CATALOG (os.pathsep-separated),
    then --catalog paths."""
    paths = [bundled_catalog_path()]
    team = team_catalog_path()
    if team.exists():
        paths.append(team)
    env = os.environ.get(CATALOG_ENV, "")
    paths += [Path(part) for part in env.split(os.pathsep) if part.strip()]
    paths += list(extra or [])
    unique: list[Path] = []
    seen: set[str] = set()
    for path in paths:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def load_catalog(extra: Sequence[Path] | None = None) -> Catalog:
    """The bundled catalog with the user's (from the cache when no file changed); raise CatalogError
    listing every problem."""
    paths = catalog_paths(extra)
    fingerprint = cache.fingerprint(paths)
    found = cache.read("catalog", fingerprint) if fingerprint else None
    if isinstance(found, Catalog):
        return found
    catalog = load_files(paths, fingerprint or "")
    if fingerprint:
        cache.write("catalog", fingerprint, catalog)
    return catalog


def load_files(paths: Sequence[Path], fingerprint: str = "") -> Catalog:
    """Parse and validate catalog files afresh (no cache); raise CatalogError listing every problem."""
    from objcoach.catalog.parse import parse_files

    catalog, problems = parse_files(paths, fingerprint)
    if problems:
        raise CatalogError(problems.lines, problems.more, problems.lines_in)
    return catalog


def validate_files(paths: Sequence[Path], ui: str = "en") -> tuple[Catalog | None, list[str]]:
    """Like load_files, but return the problems (in language `ui`) instead of raising."""
    try:
        return load_files(paths), []
    except CatalogError as error:
        return None, error.problems_in(ui)
