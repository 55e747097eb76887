"""objcoach: practise answering client objections in the terminal, or score replies from Python.

    import objcoach

    catalog = objcoach.load_catalog()                  # the bundled catalog (plus OBJCOACH_CATALOG)
    objection = catalog.get("bank-already-chosen")
    result = objcoach.score_reply("Понимаю вас ...", objection, catalog, "ru")
    result.score, result.verdict, result.to_dict()

The names below are imported on first use, so `import objcoach` costs nothing the command line does not
need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from objcoach.version import __version__

_PUBLIC = {
    "load_catalog": "objcoach.catalog.load",
    "load_files": "objcoach.catalog.load",
    "resolve_objection": "objcoach.catalog.search",
    "rank_objections": "objcoach.catalog.search",
    "Catalog": "objcoach.catalog.model",
    "Objection": "objcoach.catalog.model",
    "score_reply": "objcoach.scoring.score",
    "Score": "objcoach.scoring.result",
    "feedback": "objcoach.scoring.coach",
    "Store": "objcoach.store.history",
    "ObjcoachError": "objcoach.errors",
}
__all__ = [  # noqa: RUF022  (grouped as _PUBLIC is)
    "__version__", "load_catalog", "load_files", "resolve_objection", "rank_objections", "Catalog", "Objection",
    "score_reply", "Score", "feedback", "Store", "ObjcoachError",
]

if TYPE_CHECKING:
    from objcoach.catalog.load import load_catalog, load_files
    from objcoach.catalog.model import Catalog, Objection
    from objcoach.catalog.search import rank_objections, resolve_objection
    from objcoach.errors import ObjcoachError
    from objcoach.scoring.coach import feedback
    from objcoach.scoring.result import Score
    from objcoach.scoring.score import score_reply
    from objcoach.store.history import Store


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'objcoach' has no attribute {name!r}")
