"""The lookup's index of a catalog, kept as a small SQLite file beside the catalog's cache.

A query reads only the rows of its own terms (a handful), the few objections it ranks, and a routine request's
phrase if it repeats one, so `suggest` on a catalog of ten thousand objections costs little more than on the
bundled one and never loads the catalog itself. Built once per set of catalog files (keyed by their fingerprint,
like the catalog's cache); a catalog built in memory gets an index in memory.

Each term (a stem, or two neighbouring stems "a b") has its idf and its postings: the documents it occurs in with
their BM25 weights, packed as two arrays. Documents 0..count-1 are the objections in catalog order; those after
are the catalog's routine requests.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

FORMAT = 1  # bump when the tables change: an index of another format is rebuilt


class Doc(NamedTuple):
    """What the lookup shows of a document, and the client phrases it weighs a query against."""

    id: str  # "" for a routine request
    client: dict[str, str]
    answer: dict[str, str]  # the first model answer of each language
    phrases: tuple[str, ...]


class Posting(NamedTuple):
    idf: float
    docs: array[int]
    weights: array[float]


class LookupIndex:
    """Read access to one catalog's lookup index (see the module's docstring)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        self.count = int(meta["count"])  # how many documents are objections
        self.max_idf = float(meta["max_idf"])  # the idf of a term no document has
        self._postings: dict[str, Posting | None] = {}
        self._docs: dict[int, Doc] = {}
        self._stems: list[str] | None = None
        # each document's phrases as the lookup reads them (objcoach.catalog.lookup fills it, once a document)
        self.read_phrases: dict[int, list[tuple[str, frozenset[str], float]]] = {}

    def posting(self, term: str) -> Posting | None:
        if term not in self._postings:
            row = self.db.execute("SELECT idf, docs, weights FROM terms WHERE term = ?", (term,)).fetchone()
            if row is None:
                self._postings[term] = None
            else:
                docs, weights = array("i"), array("d")
                docs.frombytes(row[1])
                weights.frombytes(row[2])
                self._postings[term] = Posting(row[0], docs, weights)
        return self._postings[term]

    def idf(self, term: str) -> float:
        found = self.posting(term)
        return found.idf if found else 0.0

    def longer(self, stem: str, limit: int) -> list[str]:
        """Catalog stems that start with `stem` (and are longer), in order."""
        rows = self.db.execute("SELECT term FROM terms WHERE term > ? AND term < ? AND instr(term, ' ') = 0 "
                               "ORDER BY term LIMIT ?", (stem, stem + "\uffff", limit))
        return [term for (term,) in rows]

    def stems(self) -> list[str]:
        """Every single-stem term, for typo lookups (read once, when a query first has a word the catalog lacks)."""
        if self._stems is None:
            self._stems = [term for (term,) in self.db.execute("SELECT term FROM terms WHERE instr(term, ' ') = 0")]
        return self._stems

    def doc(self, number: int) -> Doc:
        if number not in self._docs:
            row = self.db.execute("SELECT id, client, answer, phrases FROM docs WHERE number = ?",
                                  (number,)).fetchone()
            self._docs[number] = Doc(row[0], json.loads(row[1]), json.loads(row[2]), tuple(json.loads(row[3])))
        return self._docs[number]

    def owner_of(self, phrase: str) -> int | None:
        """The document one of whose phrases is exactly this (normalised) text, when only one has it."""
        row = self.db.execute("SELECT owner FROM phrases WHERE phrase = ?", (phrase,)).fetchone()
        return row[0] if row and row[0] >= 0 else None


# --- building ------------------------------------------------------------------------------------------


def build(path: Path | None, fingerprint: str, documents: Iterable[dict[str, float]], docs: Iterable[Doc],
          phrases: Iterable[tuple[str, int]], count: int, k1: float, b: float) -> LookupIndex:
    """Write the index (to `path`, atomically; in memory when None) and open it."""
    terms = list(documents)
    total = len(terms) or 1
    lengths = [sum(doc.values()) for doc in terms]
    average = (sum(lengths) / total) or 1.0
    frequency: Counter[str] = Counter(term for doc in terms for term in doc)
    idf = {term: math.log(1 + (total - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}
    postings: dict[str, tuple[array[int], array[float]]] = {}
    for number, (doc, length) in enumerate(zip(terms, lengths, strict=True)):
        norm = k1 * (1 - b + b * length / average)
        for term, tf in doc.items():
            pair = postings.get(term)
            if pair is None:
                pair = postings[term] = (array("i"), array("d"))
            pair[0].append(number)
            pair[1].append(idf[term] * tf * (k1 + 1) / (tf + norm))
    owners: dict[str, int] = {}
    for phrase, owner in phrases:
        owners[phrase] = owner if owners.get(phrase, owner) == owner else -1  # said by two: nobody's
    temp = None
    if path is None:
        connection = sqlite3.connect(":memory:")
    else:
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.unlink(missing_ok=True)
        connection = sqlite3.connect(temp)
    try:
        with connection:
            connection.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
                "CREATE TABLE terms (term TEXT PRIMARY KEY, idf REAL, docs BLOB, weights BLOB) WITHOUT ROWID;"
                "CREATE TABLE docs (number INTEGER PRIMARY KEY, id TEXT, client TEXT, answer TEXT, phrases TEXT);"
                "CREATE TABLE phrases (phrase TEXT PRIMARY KEY, owner INTEGER) WITHOUT ROWID;")
            no_document = math.log(1 + (total + 0.5) / 0.5)
            connection.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("format", str(FORMAT)), ("fingerprint", fingerprint), ("count", str(count)),
                ("max_idf", repr(no_document))])
            connection.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)", (
                (term, idf[term], docs.tobytes(), weights.tobytes()) for term, (docs, weights) in postings.items()))
            connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", (
                (number, doc.id, json.dumps(doc.client, ensure_ascii=False), json.dumps(doc.answer, ensure_ascii=False),
                 json.dumps(doc.phrases, ensure_ascii=False)) for number, doc in enumerate(docs)))
            connection.executemany("INSERT INTO phrases VALUES (?, ?)", owners.items())
        if path is None:
            return LookupIndex(connection)
        connection.close()
        os.replace(temp, path)  # type: ignore[arg-type]
        opened = open_index(path, fingerprint)
        if opened is None:
            raise OSError(f"{path}: cannot be opened")
        return opened
    except BaseException:
        connection.close()
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise


def open_index(path: Path, fingerprint: str) -> LookupIndex | None:
    """The index at `path` when it was built from these files by this code; None when it is missing, damaged,
    of another format or of other files."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        meta = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('format', 'fingerprint')"))
        if meta != {"format": str(FORMAT), "fingerprint": fingerprint}:
            connection.close()
            return None
        return LookupIndex(connection)
    except (sqlite3.Error, ValueError):
        return None
