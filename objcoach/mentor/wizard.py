"""The `add` wizard: asks for whatever the options didn't give, one field at a time, through two
callables (`ask(label, default)` and `say(text)`), so a pipe can drive it as well as a person."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from objcoach.catalog.edit import suggest_id
from objcoach.catalog.fields import ID
from objcoach.catalog.model import LANGS, Catalog
from objcoach.errors import InputError
from objcoach.i18n import t
from objcoach.i18n.names import Names

ORDER = ("id", "client", "variants", "context", "domain", "tags", "difficulty", "checklist", "required",
         "key_points", "answers", "tips", "source")
Ask = Callable[[str, str], "str | None"]


def entry_from_file(path: Path) -> dict[str, Any]:
    """One objection mapping from a YAML file (a file with `objections:` must hold exactly one)."""
    from objcoach.catalog.cache import MAX_FILE_BYTES, read_regular

    try:  # bounded, and never a device or FIFO (`--from /dev/zero` would read for ever)
        text = read_regular(path, MAX_FILE_BYTES).decode("utf-8-sig")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError(said="no_file", path=path) from None
    except OSError as error:
        raise InputError(said="not_read", path=path, reason=error.strerror or error) from None
    except UnicodeDecodeError:
        raise InputError(said="not_utf8", path=path) from None
    except yaml.MarkedYAMLError as error:  # the plain message validate gives, where the mistake is
        from objcoach.catalog.reader import syntax_problem

        key, mark = syntax_problem(error, text)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InputError(said="entry_yaml", where=where, problem=("catalog." + key, {"problem": error.problem})
                         ) from None
    except yaml.YAMLError as error:
        raise InputError(said="entry_yaml", where=path, problem=" ".join(str(error).split())) from None
    if isinstance(data, dict) and "objections" in data:
        data = data["objections"]
    if isinstance(data, list):
        if len(data) != 1:
            raise InputError(said="entry_many", path=path, n=len(data))
        data = data[0]
    if not isinstance(data, dict):
        raise InputError(said="entry_shape", path=path)
    return data


def run_wizard(entry: dict[str, Any], catalog: Catalog, ui: str, ask: Ask, say: Callable[[str], None],
               complete: bool) -> dict[str, Any]:
    """The new entry: `entry` (what options and --from gave) completed by questions (none when `complete`),
    in catalog key order. `entry` is filled in place, so what was typed survives an interruption (the caller
    can save it as a draft). A bad answer is explained and the same question asked again."""

    def question(key: str, default: str = "", check: Callable[[str], Any] | None = None, **values: Any) -> Any:
        while True:
            answer = ask(t(ui, f"field.{key}", **values), default)
            if answer is None:
                raise InputError(t(ui, "add.ended"))
            answer = answer.strip() or default
            if check is None:
                return answer
            try:
                return check(answer)
            except ValueError as problem:
                say(str(problem))

    def lines(key: str) -> list[str]:
        say(t(ui, "field.list_hint"))
        items: list[str] = []
        while True:
            answer = question(key)
            if not answer:
                return items
            items.append(answer)

    taken = {objection.id for objection in catalog.objections}
    techniques = list(catalog.techniques)
    if not complete:
        for lang in LANGS:
            entry.setdefault("client", {})
            if not entry["client"].get(lang):
                value = question(f"client_{lang}")
                if value:
                    entry["client"][lang] = value
    if not entry.get("client"):
        raise InputError(t(ui, "add.no_client"))
    words = next(iter(entry["client"].values()))
    if not entry.get("id"):
        suggested = suggest_id(words, taken)
        entry["id"] = suggested if complete else question("id", suggested, lambda text: _new_id(text, taken, ui))
    if not complete:
        langs = [lang for lang in LANGS if entry["client"].get(lang)]
        for key in ("context",):
            for lang in langs:
                entry.setdefault(key, {})
                if not entry[key].get(lang):
                    entry[key][lang] = question(f"{key}_{lang}")
        if not entry.get("domain"):
            known = sorted({objection.domain for objection in catalog.objections if objection.domain})
            entry["domain"] = question("domain", known=", ".join(known))
        if not entry.get("tags"):
            entry["tags"] = [tag.strip() for tag in question("tags").split(",") if tag.strip()]
        if not entry.get("difficulty"):
            entry["difficulty"] = question("difficulty", "2", lambda text: _difficulty(text, ui))
        if not entry.get("checklist"):
            say(t(ui, "field.techniques", ids="; ".join(
                f"{n} = {Names(catalog, ui).technique(tid)} ({tid})"
                for n, tid in enumerate(techniques, start=1))))
            entry["checklist"] = question("checklist", check=lambda text: _ids(text, techniques, ui))
        if not entry.get("required") and entry["checklist"]:
            entry["required"] = question("required", entry["checklist"][0],
                                         lambda text: _ids(text, entry["checklist"], ui, techniques))
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


def _new_id(text: str, taken: set[str], ui: str) -> str:
    if not ID.match(text):
        raise ValueError(t(ui, "add.bad_id", id=text))
    if text in taken:
        raise ValueError(t(ui, "add.id_taken", id=text))
    return text


def _difficulty(text: str, ui: str) -> int:
    if text.strip() not in ("1", "2", "3"):
        raise ValueError(t(ui, "add.bad_difficulty", value=text))
    return int(text)


def _ids(text: str, choices: list[str], ui: str, numbered: list[str] | None = None) -> list[str]:
    """Technique ids, or their numbers in the list shown (`numbered`, by default `choices`), comma- or
    space-separated; each must be one of `choices`."""
    numbered = numbered or choices
    out = []
    for part in text.replace(",", " ").split():
        value = numbered[int(part) - 1] if part.isdigit() and 1 <= int(part) <= len(numbered) else part
        if value not in choices:
            raise ValueError(t(ui, "add.bad_technique", value=part, choices=", ".join(choices)))
        out.append(value)
    return out


def save_draft(entry: dict[str, Any], path: Path) -> None:
    """What was typed so far, as a YAML file `add --from` reads (to go on where the wizard stopped)."""
    from objcoach.io import atomic_write

    with atomic_write(path) as out:
        out.write(yaml.safe_dump(_tidy(dict(entry)), allow_unicode=True, sort_keys=False, width=4096))


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
