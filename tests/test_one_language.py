"""Every screen in one language: the commands a Russian operator and mentor use, run with the UI in Russian
(OBJCOACH_LANG=ru, or only LANG=ru_RU.UTF-8), show no English word, and in English no Russian one. What may
stay as it is: ids, file names, options, commands, numbers, and what the user typed."""

from __future__ import annotations

import getpass
import json
import re
from pathlib import Path

import pytest
from conftest import BROKEN_CATALOG, DATA, run_cli

from objcoach.catalog.load import load_catalog
from objcoach.catalog.parse import _OBJECTION_KEYS, _TECHNIQUE_KEYS, _TOP_KEYS

# Words that are the same in either language's screen: formats, products, units, the language codes.
NAMES = {"ru", "en", "id", "ID", "YAML", "JSON", "JSONL", "CSV", "HTML", "PostgreSQL", "SQLite", "UTF", "objcoach",
         "stdin", "stdout", "null", "md", "anna"}
OTHER = {"ru": re.compile(r"[A-Za-z]{2,}"), "en": re.compile(r"[А-Яа-яЁё]{2,}")}

REPLY = {"ru": "Понимаю вас. А какой банк вы выбрали?", "en": "I understand. Which bank did you choose?"}
WEAK = {"ru": "не знаю", "en": "no idea"}
SCENARIO = DATA / "scenario_example.yaml"  # a call in both languages (roleplay's screens)


def scenarios(lang: str, folder: Path) -> list[tuple[list[str], str | None]]:
    """(arguments, stdin) of each screen: practice, lookup, history, the mentor's tools, and mistakes."""
    broken = folder / "broken.yaml"
    broken.write_text(BROKEN_CATALOG, encoding="utf-8")
    entry = folder / "entry.yaml"
    entry.write_text("id: team-late\nclient: {ru: \"Вы опоздали\", en: \"You are late\"}\n"
                     "answers: {ru: [\"Понимаю вас\"], en: [\"I understand\"]}\n", encoding="utf-8")
    hint = {"ru": "/подсказка", "en": "/hint"}[lang]
    return [
        (["score", "bank-already-chosen", REPLY[lang], "--lang", lang], None),
        (["score", "bank-already-chosen", WEAK[lang], "--lang", lang], None),
        (["suggest", "уже выбрал банк" if lang == "ru" else "already chose a bank"], None),
        (["drill", "--count", "3", "--seed", "1", "--operator", "anna", "--lang", lang],
         f"{REPLY[lang]}\n{hint}\n/skip\n"),
        (["exam", "--count", "2", "--seed", "2", "--operator", "anna", "--lang", lang], f"{WEAK[lang]}\n"),
        (["stats", "--operator", "anna"], None),
        (["history", "--operator", "anna", "--limit", "5"], None),
        (["report", "--format", "md"], None),
        (["review", "--since", "30d"], "s\nq\n"),
        (["add", "--to", str(folder / "team.yaml"), "--from", str(entry), "--dry-run"], None),
        (["validate", str(broken)], None),
        (["new-catalog", str(folder / "new.yaml")], None),
        (["audit", "--sample"], None),
        (["export", "--output", str(folder / "out.jsonl")], None),
        (["import", str(folder / "out.jsonl")], None),
        (["list", "--domain", "bank"], None),
        (["techniques"], None),
        (["config", "show"], None),
        (["config", "set", "lang", "xx"], None),
        (["score", "bank-alredy-chosen", "ответ"], None),
        (["stats", "--since", "вчера"], None),
        (["drill", "--id", "nosuch", "--lang", lang], ""),
        (["list", "--catalog", str(broken)], None),
        (["score", "--foo"], None),
        (["import", str(folder / "nosuch.jsonl")], None),
        (["export", "--output", str(folder)], None),
        (["audit"], None),
        (["assign", "--operator", "anna", "--due", "7d"], None),
        (["drill", "--count", "x"], None),
        (["roleplay", "double-charge", "--catalog", str(SCENARIO), "--operator", "anna", "--lang", lang,
          "--retries", "1"], f"{WEAK[lang]}\n{hint}\n{REPLY[lang]}\n/skip\n"),
        (["roleplay", "double-charge", "--catalog", str(SCENARIO), "--operator", "anna", "--lang", lang, "--exam"],
         f"{REPLY[lang]}\n/hint\n/quit\n"),
        (["roleplay", "--list", "--catalog", str(SCENARIO)], None),
        (["roleplay", "double-charg", "--catalog", str(SCENARIO), "--lang", lang], ""),
        (["roleplay", "--lang", lang], ""),
        (["new-catalog", str(folder / "new.yaml")], None),
    ]


def allowed(text: str, typed: list[str], folder: Path) -> str:
    """The screen without what may be in either language: what was typed, ids, paths, options, commands."""
    catalog = load_catalog()
    text = re.sub(r"\S*/\S*|\S+\.(?:yaml|jsonl|json|csv|html|sqlite3)\b", " ", text.replace(str(folder), " "))
    ids = {o.id for o in catalog.objections} | {s.id for s in catalog.scenarios} | set(catalog.techniques) | \
        set(catalog.antipatterns) | \
        set(catalog.domains) | set(catalog.tags) | {"acknowlege", "first", "nosuch", "team-late", "answer"} | \
        {"double-charge", "double-charg"} | \
        {*_TOP_KEYS, *_OBJECTION_KEYS, *_TECHNIQUE_KEYS}  # a catalog's keys are named as they are written
    text = re.sub(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")(?![\w-])",
                  " ", text)
    # an attempt's id as review shows it (eight hexadecimal digits), before a typed "2" can cut one in two
    text = re.sub(r"\b[0-9a-f]{8}\b", " ", text)
    for value in sorted([*typed, getpass.getuser()], key=len, reverse=True):  # the operator's login name too
        text = text.replace(value, " ")
    # a field's path in a catalog (objections[1].checklist), commands, options, environment variables
    return re.sub(r"\S*\[\d+\]\S*|`[^`]*`|objcoach [a-z][\w -]*|--?[a-z][\w-]*|/[a-z]+|\b[A-Z][A-Z_]{2,}\b", " ", text)


def read_words() -> set[str]:
    """The words of what the scenarios read from files, in whichever language it was written: the entry add
    reads, the broken catalog, the dialogues (and operators) of audit's sample."""
    from objcoach.catalog.load import bundled_catalog_path

    texts = ["Вы опоздали", "You are late", "Понимаю вас", "I understand", BROKEN_CATALOG]
    for line in (bundled_catalog_path().parent / "sample_chats.jsonl").read_text(encoding="utf-8").splitlines():
        chat = json.loads(line)
        texts += [chat.get("operator", ""), *(turn["text"] for turn in chat["turns"])]
    return set(re.findall(r"\w+", " ".join(texts)))


@pytest.mark.parametrize(("lang", "env"), [("ru", {"OBJCOACH_LANG": "ru"}), ("ru", {"LANG": "ru_RU.UTF-8"}),
                                           ("en", {"OBJCOACH_LANG": "en"}), ("en", {"LANG": "en_US.UTF-8"})])
def test_every_screen_in_one_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str,
                                      env: dict[str, str]) -> None:
    for name in ("LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    leaks = []
    files = read_words()
    for args, stdin in scenarios(lang, tmp_path):
        _, out, err = run_cli(*args, stdin=stdin, env={**env, "COLUMNS": "200"})
        typed = [*args, *(stdin or "").splitlines()]
        rest = allowed(out + err, typed, tmp_path)
        # the other language's content, where the catalog or the history has only that (a reply typed in it)
        words = [word for word in OTHER[lang].findall(rest) if word not in NAMES and word not in files]
        if words:
            leaks.append(f"objcoach {' '.join(args)}: {sorted(set(words))}\n{out}{err}")
    assert not leaks, "\n\n".join(leaks)


def test_the_check_finds_the_other_language(tmp_path: Path) -> None:
    """The walk above would see an English word on a Russian screen (and the reverse)."""
    assert OTHER["ru"].findall(allowed("Оценка: 51/100 partial", [], tmp_path)) == ["partial"]
    assert OTHER["en"].findall(allowed("Score: 51/100 частично", [], tmp_path)) == ["частично"]
    assert not OTHER["ru"].findall(allowed("objcoach validate team.yaml --lang ru", [], tmp_path))
