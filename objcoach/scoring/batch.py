"""Grade rows of replies: each row's objection resolved and its reply scored, in order, streamed.

Reading and writing the rows is objcoach.io's job; this module adds grade's CSV columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import IO, Any

from objcoach import io
from objcoach.catalog.model import LANGS, Catalog, Objection
from objcoach.catalog.search import resolve_objection
from objcoach.errors import ObjcoachError
from objcoach.io import Row
from objcoach.scoring.score import score_reply

OBJECTION_FIELDS = ("objection", "objection_id", "id", "client", "client_words", "objection_text")
REPLY_FIELDS = ("reply", "answer", "text", "response", "operator_reply")
CSV_OUTPUT_FIELDS = ("objection_id", "lang", "score", "verdict", "components", "techniques", "key_points",
                     "flags", "closest_answer", "error")


class FieldError(ObjcoachError):
    """A row's field has a value of the wrong kind (a number or a list where text belongs)."""


def pick(fields: dict[str, Any], names: tuple[str, ...], allow_empty: bool = False) -> str | None:
    """The first of `names` that the row has with a value (an empty text counts when allowed); a value
    that is not text is an error rather than its Python spelling."""
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise FieldError(f"{name} should be text, not {_kind(value)}")
        if allow_empty or value.strip():
            return value
    return None


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


class Resolver:
    """Resolves objection ids or words once per distinct value (grading files repeat them a lot)."""

    def __init__(self, catalog: Catalog, limit: int = 10_000) -> None:
        self.catalog = catalog
        self.cache: dict[str, tuple[Objection, str | None] | ObjcoachError] = {}
        self.limit = limit

    def __call__(self, query: str) -> tuple[Objection, str | None]:
        found = self.cache.get(query)
        if found is None:
            try:
                found = resolve_objection(self.catalog, query)
            except ObjcoachError as error:
                found = error
            if len(self.cache) >= self.limit:
                self.cache.clear()
            self.cache[query] = found
        if isinstance(found, ObjcoachError):
            # the same error object is raised for every row that names it: without this, each raise would add
            # its frames to the traceback the object carries, and a file of bad rows would grow it without end
            raise found.with_traceback(None)
        return found


@lru_cache(maxsize=8)  # a Catalog hashes by identity, as for scoring_index
def resolver_for(catalog: Catalog) -> Resolver:
    """One resolver a catalog, shared by every batch: a batch of BATCH rows would otherwise resolve each of its
    objections again (by words, a lookup each)."""
    return Resolver(catalog)


def row_lang(fields: dict[str, Any], matched: str | None, forced: str | None) -> str | None:
    given = fields.get("lang")
    if given is not None and not isinstance(given, str):
        raise FieldError(f"lang should be text (ru or en), not {_kind(given)}")
    lang = forced or (given or "").strip().lower() or matched
    return lang if lang in LANGS else None


def grade_rows(rows: Iterable[Row], catalog: Catalog, lang: str | None = None) -> Iterator[dict[str, Any]]:
    """One output row per input row, in order: the input's fields plus the score's, or an error."""
    resolve = resolver_for(catalog)
    for row in rows:
        out = dict(row.fields)
        if row.error:
            out["error"] = row.error
            yield out
            continue
        try:
            query = pick(row.fields, OBJECTION_FIELDS)
            reply = pick(row.fields, REPLY_FIELDS, allow_empty=True)
            if query is None or reply is None:
                missing = "objection" if query is None else "reply"
                out["error"] = f"row {row.number}: no {missing} field"
                yield out
                continue
            objection, matched = resolve(query)
            chosen = row_lang(row.fields, matched, lang)
        except ObjcoachError as error:
            out["error"] = f"row {row.number}: {error}"
            yield out
            continue
        result = score_reply(reply, objection, catalog, chosen)
        out.update(result.to_dict())
        yield out


def grade_batch(catalog: Catalog, rows: list[Row], lang: str | None = None) -> list[dict[str, Any]]:
    """A batch of rows graded (what a worker process does; see objcoach.parallel)."""
    return list(grade_rows(rows, catalog, lang))


def grade_batch_encoded(catalog: Catalog, rows: list[Row], lang: str | None = None) -> list[io.Encoded]:
    """A batch of rows graded and written as JSON lines: a worker sends back text, which costs the process
    that writes it far less than rows to encode (JSONL output only)."""
    return io.encoded(grade_rows(rows, catalog, lang))


def grade_columns(first: Mapping[str, Any]) -> list[str]:
    """grade's CSV columns: the input's own fields in their order, then the score's."""
    return [*(key for key in first if key not in CSV_OUTPUT_FIELDS), *CSV_OUTPUT_FIELDS]


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> Iterator[dict[str, Any]]:
    """Graded rows as CSV (every cell spreadsheet-safe); the rows pass through."""
    return io.write_csv(rows, out, grade_columns)
