"""The catalog cache is kept honest: any edit or code change retires it, damage is rebuilt, and a home
that can't be written still works."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from conftest import run_cli

from objcoach.catalog import cache
from objcoach.catalog.load import bundled_catalog_path, catalog_paths, load_catalog, load_files
from objcoach.scoring.score import score_reply

REPLY = "Понимаю вас, выбор за вами. Подскажите, что для вас важно? Давайте пришлю условия?"


def cache_files(home: Path, kind: str = "catalog") -> list[Path]:
    return sorted((home / "cache").glob(f"{kind}-*.pickle"))


def test_a_cached_catalog_scores_as_a_fresh_one(isolated_home: Path) -> None:
    load_catalog()
    assert cache_files(isolated_home)
    cached = load_catalog()
    fresh = load_files(catalog_paths())
    first, second = cached.get("bank-already-chosen"), fresh.get("bank-already-chosen")
    assert first is not None and second is not None
    assert score_reply(REPLY, first, cached, "ru") == score_reply(REPLY, second, fresh, "ru")


def test_the_cache_notices_an_edit_that_keeps_size_and_mtime(tmp_path: Path) -> None:
    source = bundled_catalog_path().read_text(encoding="utf-8")
    team = tmp_path / "team.yaml"
    team.write_text(source, encoding="utf-8")
    paths = [team]
    fingerprint = cache.fingerprint(paths)
    assert fingerprint is not None
    stat = team.stat()
    edited = source.replace("id: bank-already-chosen", "id: bank-already-chosex", 1)
    assert len(edited.encode()) == len(source.encode())
    team.write_text(edited, encoding="utf-8")
    os.utime(team, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.fingerprint(paths) != fingerprint


def test_an_edited_team_catalog_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    team = tmp_path / "team.yaml"
    entry = ("objections:\n  - id: team-one\n    client: {ru: \"Мне надо подумать\"}\n"
             "    answers: {ru: [\"Понимаю вас, решение важное. Что хотите обдумать?\"]}\n")
    team.write_text(entry, encoding="utf-8")
    monkeypatch.setenv("OBJCOACH_CATALOG", str(team))
    assert load_catalog().get("team-one") is not None
    team.write_text(entry.replace("team-one", "team-two"), encoding="utf-8")
    catalog = load_catalog()
    assert catalog.get("team-one") is None and catalog.get("team-two") is not None


def test_a_damaged_or_foreign_cache_is_rebuilt_without_a_crash(isolated_home: Path) -> None:
    load_catalog()
    for damage in (b"", b"garbage", pickle.dumps("another fingerprint"), None):
        for path in cache_files(isolated_home):
            if damage is None:  # a valid header followed by a truncated body
                path.write_bytes(path.read_bytes()[:200])
            else:
                path.write_bytes(damage)
        assert load_catalog().get("bank-already-chosen") is not None
    assert len(cache_files(isolated_home)) == 1


def test_a_cache_of_other_code_is_not_used(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = catalog_paths()
    before = cache.fingerprint(paths)
    stamp = cache.code_stamp()
    monkeypatch.setattr(cache, "code_stamp", lambda: (*stamp[:-1], (("scoring/score.py", 1, 2),)))
    assert cache.fingerprint(paths) != before


def test_an_unwritable_home_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OBJCOACH_HOME", str(blocker / "home"))
    assert load_catalog().get("bank-already-chosen") is not None
    code, out, _ = run_cli("suggest", "уже выбрал банк", "--json")
    assert code == 0 and json.loads(out)[0]["id"] == "bank-already-chosen"


def test_markers_cached_beside_the_catalog_score_as_compiled_ones(isolated_home: Path) -> None:
    from objcoach.scoring.index import scoring_index

    fresh = load_files(catalog_paths())  # built in memory: compiles its own markers
    expected = score_reply(REPLY, fresh.objections[0], fresh, "ru")
    score_reply(REPLY, load_catalog().objections[0], load_catalog(), "ru")  # writes the markers' cache
    assert cache_files(isolated_home, "markers-ru")
    for damage in (None, b"garbage"):
        if damage is not None:
            for path in cache_files(isolated_home, "markers-ru"):
                path.write_bytes(damage)
        scoring_index.cache_clear()
        catalog = load_catalog()  # a new catalog object: its markers come from the cache file (or are rebuilt)
        assert score_reply(REPLY, catalog.objections[0], catalog, "ru") == expected
