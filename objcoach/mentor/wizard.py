"""The `add` wizard: asks for whatever the options didn't give, one field at a time, through two
callables (`ask(label, default)` and `say(text)`), so a pipe can drive it as well as a person."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from objcoach.catalog.edit import suggest_id
from objcoach.catalog.model import LANGS, Catalog
from objcoach.errors import InputError
from objcoach.i18n import t

ORDER = ("id", "client", "variants", "context", "domain", "tags", "difficulty", "checklist", "required",
         "key_points", "answers", "tips", "source")
Ask = Callable[[str, str], "str | None"]


def entry_from_file(path: Path) -> dict[str, Any]:
    """One objection mapping from a YAML file (a file with `objections:` must hold exactly one)."""
    from objcoach.catalog.cache import MAX_FILE_BYTES, read_regular

    try:  # bounded, and never a device or FIFO (`--from /dev/zero` would read for ever)
        data = yaml.safe_load(read_regular(path, MAX_FILE_BYTES).decode("utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"{path}: cannot be read as YAML ({error})") from None
    if isinstance(data, dict) and "objections" in data:
        data = data["objections"]
    if isinstance(data, list):
        if len(data) != 1:
            raise InputError(f"{path}: holds {len(data)} objections; --from takes one")
        data = data[0]
    if not isinstance(data, dict):
        raise InputError(f"{path}: should hold one objection (a mapping with id, client, answers, ...)")
    return data


def run_wizard(given: dict[str, Any], catalog: Catalog, ui: str, ask: Ask, say: Callable[[str], None],
               complete: bool) -> dict[str, Any]:
    """The new entry: `given` completed by questions (none when `complete`), in catalog key order."""
    entry = dict(given)

    def question(key: str, default: str = "") -> str:
        answer = ask(t(ui, f"field.{key}"), default)
        if answer is None:
            raise InputError("input ended before the new objection was complete; nothing was written")
        return answer.strip() or default

    def lines(key: str) -> list[str]:
        say(t(ui, "field.list_hint"))
        items: list[str] = []
        while True:
            answer = question(key)
            if not answer:
                return items
            items.append(answer)

    if not complete:
        for lang in LANGS:
            entry.setdefault("client", {})
            if not entry["client"].get(lang):
                value = question(f"client_{lang}")
                if value:
                    entry["client"][lang] = value
    if not entry.get("client"):
        raise InputError("the client's words are needed in at least one language")
    words = next(iter(entry["client"].values()))
    taken = {objection.id for objection in catalog.objections}
    if not entry.get("id"):
        suggested = suggest_id(words, taken)
        entry["id"] = suggested if complete else question("id", suggested)
    if not complete:
        langs = [lang for lang in LANGS if entry["client"].get(lang)]
        for key in ("context",):
            for lang in langs:
                entry.setdefault(key, {})
                if not entry[key].get(lang):
                    entry[key][lang] = question(f"{key}_{lang}")
        if not entry.get("domain"):
            entry["domain"] = question("domain")
        if not entry.get("tags"):
            entry["tags"] = [tag.strip() for tag in question("tags").split(",") if tag.strip()]
        if not entry.get("difficulty"):
            entry["difficulty"] = _number(question("difficulty", "2"))
        if not entry.get("checklist"):
            say(t(ui, "field.techniques", ids=", ".join(f"{n}={tid}" for n, tid in
                                                      enumerate(catalog.techniques, start=1))))
            entry["checklist"] = _ids(question("checklist"), list(catalog.techniques))
        if not entry.get("required") and entry["checklist"]:
            entry["required"] = _ids(question("required", entry["checklist"][0]), list(catalog.techniques))
        for key in ("answers", "key_points"):
            for lang in langs:
                entry.setdefault(key, {})
                if not entry[key].get(lang):
                    entry[key][lang] = lines(f"{key}_{lang}")
        for lang in langs:
            entry.setdefault("tips", {})
            if not entry["tips"].get(lang):
                entry["tips"][lang] = question(f"tips_{lang}")
        if not entry.get("source"):
            entry["source"] = question("source")
    return _tidy(entry)


def _number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"difficulty should be 1, 2 or 3, not {text!r}") from None
    if value not in (1, 2, 3):
        raise InputError(f"difficulty should be 1, 2 or 3, not {value}")
    return value


def _ids(text: str, known: list[str]) -> list[str]:
    """Technique ids or their numbers in the list shown, comma- or space-separated."""
    out = []
    for part in text.replace(",", " ").split():
        if part.isdigit() and 1 <= int(part) <= len(known):
            out.append(known[int(part) - 1])
        else:
            out.append(part)
    return out


def _tidy(entry: dict[str, Any]) -> dict[str, Any]:
    """Catalog key order, empty values left out (the catalog's validation judges the rest)."""
    tidy: dict[str, Any] = {}
    for key in ORDER:
        value = entry.get(key)
        if isinstance(value, dict):
            value = {lang: text for lang, text in value.items() if text}
        if value in (None, "", [], {}):
            continue
        tidy[key] = value
    for key, value in entry.items():
        if key not in tidy and key not in ORDER:
            tidy[key] = value  # unknown keys stay, so validation can name them
    return tidy
