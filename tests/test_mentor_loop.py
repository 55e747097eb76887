"""Catalogs that add model answers to an objection another file defines (the team catalog's `answers:`)."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import BANK, run_cli
from test_mentor import only_additions

from objcoach.catalog.edit import add_extra_answer
from objcoach.catalog.load import load_files

HEADER = "# team answers\n"


def test_an_answers_section_adds_to_an_existing_id_and_an_unknown_one_is_a_located_problem(tmp_path: Path) -> None:
    from objcoach.catalog.load import bundled_catalog_path, validate_files

    extra = tmp_path / "extra.yaml"
    extra.write_text(f"version: 1\nanswers:\n  {BANK}:\n    en: [\"One more answer\"]\n  bank-alredy-chosen:\n"
                     "    ru: [\"Понимаю\"]\n", encoding="utf-8")
    catalog, problems = validate_files([bundled_catalog_path(), extra])
    assert catalog is None and problems == [
        f"{extra}:5:3: answers.bank-alredy-chosen: no objection 'bank-alredy-chosen' in the catalogs loaded: answers "
        f"can only be added to an existing id (did you mean '{BANK}'?)"]
    extra.write_text(f"answers:\n  {BANK}:\n    en: [\"One more answer\"]\n", encoding="utf-8")
    merged = load_files([bundled_catalog_path(), extra]).get(BANK)
    bundled = load_files([bundled_catalog_path()]).get(BANK)
    assert merged is not None and bundled is not None
    assert merged.answers["en"] == (*bundled.answers["en"], "One more answer")
    assert merged.answers["ru"] == bundled.answers["ru"]
    code, out, _ = run_cli("validate", str(extra))  # the answer the file adds is self-tested as its own
    assert code == 1 and f"{extra}:2:3: {BANK} [en]" in out


def test_extra_answers_keep_every_byte_already_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    first = add_extra_answer(path, BANK, "ru", "Первый", HEADER)
    assert first == f"{HEADER}version: 1\nanswers:\n  {BANK}:\n    ru:\n      - \"Первый\"\n"
    path.write_text(first + "# the end\n", encoding="utf-8")
    for objection_id, lang, answer in ((BANK, "ru", "Второй"), (BANK, "en", "Third"), ("too-expensive", "ru", "Д")):
        after = add_extra_answer(path, objection_id, lang, answer, HEADER)
        assert only_additions(path.read_text(encoding="utf-8"), after)
        path.write_text(after, encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["answers"] == {
        BANK: {"ru": ["Первый", "Второй"], "en": ["Third"]}, "too-expensive": {"ru": ["Д"]}}
    flow = tmp_path / "flow.yaml"
    flow.write_text("version: 1\nanswers: {}\n", encoding="utf-8")
    assert yaml.safe_load(add_extra_answer(flow, BANK, "en", "X", HEADER))["answers"] == {BANK: {"en": ["X"]}}
