"""Readers of the catalog's common field kinds (ids, texts by language, phrases the scorer looks for), shared by
the objections' and the scenarios' parsers."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from objcoach.catalog.model import LANGS, TextLists, Texts
from objcoach.catalog.reader import Node, Reader

ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_WORD = re.compile(r"[^\W_]+")  # what the scorer counts as a word (letters and digits)


def check_id(read: Reader, key: str, node: Node, path: str) -> bool:
    if not ID.match(key):
        read.fail(node, path, "bad_id", id=key)
        return False
    return True


def checklist_ids(read: Reader, fields: Mapping[str, tuple[Node, Node]], path: str,
                  references: list[tuple[str, str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An objection's `checklist` and `required` technique ids (each noted in `references` with where it is
    and its field path, for the techniques to be checked once all are read); a required id must be on the
    checklist."""

    def ids(name: str) -> tuple[str, ...]:
        if name not in fields:
            return ()
        node, sub = fields[name][1], f"{path}.{name}"
        found = read.strings(node, sub)
        if found:
            where = read.where(node)
            references.extend((technique_id, where, sub) for technique_id in found)
        return found

    checklist, required = ids("checklist"), ids("required")
    for technique_id in required:
        if technique_id not in checklist:
            read.fail(fields["required"][1], f"{path}.required", "not_in_checklist", id=technique_id)
    return checklist, required


def texts(read: Reader, node: Node, path: str) -> Texts:
    result: Texts = {}
    for lang, (_, value) in read.mapping(node, path, LANGS).items():
        text = read.string(value, f"{path}.{lang}")
        if text:
            result[lang] = text
    return result


def text_lists(read: Reader, node: Node, path: str) -> TextLists:
    result: TextLists = {}
    for lang, (_, value) in read.mapping(node, path, LANGS).items():
        result[lang] = read.strings(value, f"{path}.{lang}")
    return result


def phrases(read: Reader, node: Node, path: str, alternatives: bool = False) -> TextLists:
    """Texts by language that the scorer finds as words in a reply (markers; wrong claims, whose
    `alternatives` are separated by "|"): each phrase must hold a word, and more than one letter, or it
    matches no reply or almost every one."""
    result: TextLists = {}
    for lang, (_, value) in read.mapping(node, path, LANGS).items():
        kept = []
        for text, item, where in read.located_strings(value, f"{path}.{lang}"):
            phrases = text.split("|") if alternatives else [text]
            problem = next(filter(None, map(phrase_problem, phrases)), None)
            if problem:
                read.fail(item, where, problem[0], **problem[1])
            else:
                kept.append(text)
        result[lang] = tuple(kept)
    return result


def phrase_problem(phrase: str) -> tuple[str, dict[str, str]] | None:
    words = _WORD.findall(phrase)
    if not words:
        return "no_letters", {"phrase": phrase.strip()}
    if len("".join(words)) < 2:
        return "single_letter", {"phrase": phrase.strip()}
    return None


def nearest(key: str, known: Iterable[str], cutoff: float = 0.5) -> str:
    """The known id closest to a mistyped one ("" when none is close): what "did you mean" names."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=cutoff)
    return close[0] if close else ""
