"""A catalog's markers must be able to match (a word) without matching nearly everything (one letter), and a
catalog with a great many problems gives a report a person can read: the first problems and a count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from objcoach.catalog.load import load_files
from objcoach.errors import MAX_LISTED, CatalogError

ANSWER = "Понимаю вас, давайте посчитаем вместе. Что для вас важнее всего?"

MARKERS = f"""\
techniques:
  me:
    title: {{ru: Я, en: Me}}
    markers:
      ru: [я, понимаю вас, "и я"]
      en: ["a", "?!", "i see"]
antipatterns:
  dots:
    title: {{ru: Точки, en: Dots}}
    markers: {{ru: ["…"], en: ["you're wrong"]}}
objections:
  - id: marker-test
    client: {{ru: "Дорого", en: "Too expensive"}}
    answers: {{ru: ["{ANSWER}"], en: ["I see, let's count it together."]}}
    wrong: {{ru: ["вклад застрахован на любую сумму | ы"]}}
"""


def test_one_letter_and_punctuation_markers_are_refused_where_they_are(tmp_path: Path) -> None:
    path = tmp_path / "markers.yaml"
    path.write_text(MARKERS, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert caught.value.problems == [
        f"{path}:5:12: techniques.me.markers.ru[0]: 'я' is a single letter: it would match almost every reply",
        f"{path}:6:12: techniques.me.markers.en[0]: 'a' is a single letter: it would match almost every reply",
        f"{path}:6:17: techniques.me.markers.en[1]: '?!' has no letters or digits: it can never match a reply",
        f"{path}:10:20: antipatterns.dots.markers.ru[0]: '…' has no letters or digits: it can never match a reply",
        f"{path}:15:18: objections[0].wrong.ru[0]: 'ы' is a single letter: it would match almost every reply",
    ]
    code, out, _ = run_cli("validate", str(path), "--no-self-test")
    assert code == 1 and out.count(".markers.") == 4 and "5 problem(s) found." in out


def test_markers_of_two_letters_or_two_short_words_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "fine.yaml"
    path.write_text(MARKERS.replace('[я, ', '[').replace('"a", "?!", ', '').replace('"…"', '"ну и"')
                    .replace(" | ы", ""), encoding="utf-8")
    catalog = load_files([path])
    assert catalog.techniques["me"].markers == {"ru": ("понимаю вас", "и я"), "en": ("i see",)}


def _unknown_keys(count: int) -> str:
    return "objections: []\n" + "".join(f"key{n}: 1\n" for n in range(count))


def test_a_catalog_with_many_problems_lists_the_first_and_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(_unknown_keys(200), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert len(caught.value.problems) == MAX_LISTED and caught.value.more == 200 - MAX_LISTED
    assert caught.value.problems[0].startswith(f"{path}:2:1: key0: unknown key 'key0'")


@pytest.mark.parametrize(("lang", "more", "total"), [
    ("en", "... and 150 more problem(s), not listed", "200 problem(s) found."),
    ("ru", "... и ещё проблем: 150 (не показаны)", "Найдено проблем: 200."),
])
def test_validate_prints_fifty_problems_and_how_many_more(tmp_path: Path, lang: str, more: str, total: str) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(_unknown_keys(200), encoding="utf-8")
    code, out, _ = run_cli("validate", str(path), "--lang", lang)
    lines = out.splitlines()
    assert code == 1 and len(lines) == MAX_LISTED + 2
    assert lines[-2].startswith(more) and lines[-1] == total
    code, out, _ = run_cli("validate", str(path), "--json")
    report = json.loads(out)
    assert len(report["problems"]) == MAX_LISTED and report["not_listed"] == 150 and not report["ok"]


def test_a_command_loading_such_a_catalog_shows_fifty_problems_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(_unknown_keys(200), encoding="utf-8")
    code, out, err = run_cli("list", "--catalog", str(path), "--lang", "ru")
    lines = err.splitlines()
    assert code == 2 and not out and len(lines) == MAX_LISTED + 1
    assert lines[-1].startswith("objcoach: ... и ещё проблем: 150")
