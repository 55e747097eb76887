"""A catalog's markers must be able to match (a word) without matching nearly everything (one letter)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from objcoach.catalog.load import load_files
from objcoach.errors import CatalogError

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
