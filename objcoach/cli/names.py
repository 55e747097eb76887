"""Names for the command line: objcoach/i18n/names.py's (pure, shared with the mentor's reports), and the
catalog they come from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from objcoach.i18n.names import SHORT, Names, quoted

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

__all__ = ["SHORT", "Names", "names_for", "quoted"]


def names_for(extra: Sequence[Path] | None, ui: str) -> Names:
    """Names from the catalog; ids alone when the catalog cannot be loaded (a report still shows)."""
    from objcoach.catalog.load import load_catalog
    from objcoach.errors import ObjcoachError

    try:
        return Names(load_catalog(extra), ui)
    except ObjcoachError:
        return Names(None, ui)
