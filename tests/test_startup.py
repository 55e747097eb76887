"""Start-up: only the command being run is imported and built, the catalog cache is read lazily and kept
honest (invalidated by any change, rebuilt when damaged), and the phrase index answers like the catalog."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from conftest import run_cli

from objcoach import catalog_cache, cli
from objcoach.catalog import (
    PhraseIndex,
    bundled_catalog_path,
    catalog_paths,
    load_catalog,
    load_files,
    phrase_index,
    rank_phrases,
)
from objcoach.catalog_cache import LazyMemo, load_cached, load_phrase_index
from objcoach.models import Catalog
from objcoach.scoring import score_reply

REPLY = "Понимаю вас, выбор за вами. Подскажите, что для вас важно? Давайте пришлю условия?"


def python(code: str, env: dict[str, str] | None = None) -> str:
    """Run `code` in a fresh interpreter (so that imports start from nothing) and return its stdout."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, **(env or {})})
    return result.stdout


# --- the command table -------------------------------------------------------------------------


def test_every_command_in_the_table_is_defined_by_its_module_and_nothing_else_is() -> None:
    for name in cli.COMMANDS:
        assert cli._registration(name) is not None
    assert set(cli._registered) == set(cli.COMMANDS)


def test_help_lists_every_command_with_its_one_line_help_in_table_order() -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    listed = out.split("Commands:", 1)[1].split("\n")
    names = [line.split()[0] for line in listed if line.startswith("  ") and line.strip()]
    assert names == list(cli.COMMANDS)
    assert "score        Score one reply to one objection, with coaching feedback." in out
    assert "db           Set up and manage a team's PostgreSQL database." in out


def test_running_one_command_imports_and_builds_only_that_one() -> None:
    out = python(
        "import sys, typer\n"
        "from objcoach import cli\n"
        "group = typer.main.get_command(cli.app)\n"
        "group.main(['techniques', '--json'], prog_name='objcoach', standalone_mode=False)\n"
        "print(sorted(group.commands._built))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('objcoach.cli_', 'rich'))))\n",
        {"NO_COLOR": "1"})
    built, modules = out.strip().splitlines()[-2:]
    assert built == "['techniques']"
    assert modules == "['objcoach.cli_catalog']"


def test_a_warm_score_json_imports_no_rich_yaml_or_other_commands(tmp_path: Path) -> None:
    env = {"OBJCOACH_HOME": str(tmp_path)}
    run = f"import sys\nsys.argv = ['objcoach', 'score', 'bank-already-chosen', {REPLY!r}, '--json']\n" \
          "from objcoach.__main__ import main\n" \
          "try:\n    main()\nexcept SystemExit:\n    pass\n" \
          "import gc\nprint('gc on' if gc.isenabled() else 'gc off')\n" \
          "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'yaml', 'pickle') " \
          "or m.startswith('objcoach.cli_'))))\n"
    python(run, env)  # builds the cache
    lines = python(run, env).strip().splitlines()
    assert json.loads("\n".join(lines[:-2]))["objection_id"] == "bank-already-chosen"
    assert lines[-2] == "gc on"
    assert lines[-1] == "objcoach.cli_catalog"


def test_python_dash_m_and_the_console_entry_run_the_app() -> None:
    result = subprocess.run([sys.executable, "-m", "objcoach", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("objcoach ")
    result = subprocess.run([sys.executable, "-m", "objcoach", "scor"], capture_output=True, text=True)
    assert result.returncode == 2 and "Did you mean 'score'?" in result.stderr


def test_the_db_group_and_its_subcommands_still_work() -> None:
    code, out, _ = run_cli("db", "--help")
    assert code == 0 and "setup" in out and "grant" in out
    code, out, _ = run_cli("db", "setup", "--help")
    assert code == 0 and "objcoach_operator" in out
    code, _, err = run_cli("db", "grant", "anna", "--role", "boss")
    assert code == 2 and "--role should be operator or mentor" in err


def test_an_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    code, _, err = run_cli("sugest", "x")
    assert code == 2 and "No such command 'sugest'" in err and "'suggest'" in err


# --- the catalog cache -------------------------------------------------------------------------


def cache_files(home: Path, kind: str = "catalog") -> list[Path]:
    return sorted((home / "cache").glob(f"{kind}-*.pickle"))


def test_cached_catalog_reads_derived_data_lazily_and_scores_the_same(isolated_home: Path) -> None:
    fresh = load_catalog()
    cached = load_catalog()
    assert isinstance(cached.memo, LazyMemo) and not dict.__len__(cached.memo)  # nothing unpickled yet
    objection = cached.get("bank-already-chosen")
    assert objection is not None
    reference = fresh.get("bank-already-chosen")
    assert reference is not None
    assert score_reply(REPLY, objection, cached, "ru") == score_reply(REPLY, reference, fresh, "ru")
    assert 0 < dict.__len__(cached.memo) < len(fresh.memo)  # only what this score needed


def test_a_damaged_memo_entry_is_computed_again(isolated_home: Path) -> None:
    load_catalog()
    cached = load_catalog()
    assert isinstance(cached.memo, LazyMemo)
    cached.memo._pending = {key: b"not a pickle" for key in cached.memo._pending}
    objection = cached.get("too-expensive")
    assert objection is not None
    assert score_reply("Понимаю вас, это заметная сумма. С чем вы сравниваете?", objection, cached, "ru").score > 0


def test_lazy_memo_behaves_as_a_dict() -> None:
    memo = LazyMemo.of({"a": pickle.dumps(1), "b": pickle.dumps([2]), "bad": b"\x80broken"})
    assert memo.get("a") == 1 and "b" in memo and "bad" not in memo and memo.get("missing", 7) == 7
    with pytest.raises(KeyError):
        memo["bad"]
    memo["c"] = 3
    assert memo.setdefault("c", 4) == 3 and memo.pop("b") == [2]
    assert sorted(memo, key=str) == ["a", "c"] and len(memo) == 2
    assert pickle.loads(pickle.dumps(memo)) == {"a": 1, "c": 3}


def test_a_cached_catalog_pickles_whole(isolated_home: Path) -> None:
    load_catalog()
    copy = pickle.loads(pickle.dumps(load_catalog()))
    assert isinstance(copy, Catalog) and type(copy.memo) is dict and "phrase_index" in copy.memo


def test_the_cache_notices_an_edit_that_keeps_size_and_mtime(tmp_path: Path) -> None:
    source = bundled_catalog_path().read_text(encoding="utf-8")
    team = tmp_path / "team.yaml"
    team.write_text(source, encoding="utf-8")
    paths = [team]
    assert load_cached(paths).get("bank-already-chosen") is not None
    stat = team.stat()
    edited = source.replace("id: bank-already-chosen", "id: bank-already-chosex", 1)
    assert len(edited.encode()) == len(source.encode())
    team.write_text(edited, encoding="utf-8")
    os.utime(team, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    catalog = load_cached(paths)
    assert catalog.get("bank-already-chosen") is None and catalog.get("bank-already-chosex") is not None


def test_a_damaged_or_foreign_cache_is_rebuilt_without_a_crash(isolated_home: Path) -> None:
    load_catalog()
    load_phrase_index(catalog_paths())
    for damage in (b"", b"garbage", pickle.dumps({"stamp": "other", "files": []}), None):
        for path in cache_files(isolated_home) + cache_files(isolated_home, "phrases"):
            if damage is None:  # a valid header followed by a truncated body
                path.write_bytes(path.read_bytes()[:200])
            else:
                path.write_bytes(damage)
        assert load_catalog().get("bank-already-chosen") is not None
        assert load_phrase_index(catalog_paths()).ids.startswith("bank-already-chosen")
    assert len(cache_files(isolated_home)) == 1


def test_a_cache_of_other_code_is_not_used(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_catalog()
    assert catalog_cache._read(cache_files(isolated_home)[0], [catalog_cache._fingerprint(p)
                                                                 for p in catalog_paths()]) is not None
    stamp = catalog_cache._stamp()
    monkeypatch.setattr(catalog_cache, "_stamp", lambda: (*stamp[:-1], (("scoring.py", 1, 2),)))
    assert catalog_cache._read(cache_files(isolated_home)[0], [catalog_cache._fingerprint(p)
                                                                 for p in catalog_paths()]) is None


def test_an_unwritable_home_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OBJCOACH_HOME", str(blocker / "home"))
    assert load_catalog().get("bank-already-chosen") is not None
    assert load_phrase_index(catalog_paths()).langs == ("ru", "en")
    code, out, _ = run_cli("suggest", "уже выбрал банк", "--json")
    assert code == 0 and json.loads(out)[0]["objection_id"] == "bank-already-chosen"


# --- the phrase index --------------------------------------------------------------------------


def test_phrase_index_shows_each_objections_client_and_first_answer(catalog: Catalog) -> None:
    index = phrase_index(catalog)
    copy = pickle.loads(pickle.dumps(index))
    assert isinstance(copy, PhraseIndex)
    assert copy.ids.split("\x1f") == [o.id for o in catalog.objections]
    for number, objection in enumerate(catalog.objections):
        for lang in ("ru", "en"):
            assert copy.item("clients", lang, number) == objection.client.get(lang, "")
            assert copy.item("answers", lang, number) == (objection.answers.get(lang) or ("",))[0]
    phrases = copy.phrases("ru")
    owners = copy.owner_numbers("ru")
    assert len(phrases) == len(owners) == sum(bool(o.client.get("ru")) + len(o.variants.get("ru", ()))
                                              for o in catalog.objections)


def big_catalog(path: Path, count: int) -> None:
    """`count` Russian objections with seven variants each: enough phrases for the two-stage ranking."""
    lines = ["version: 1", "objections:"]
    for n in range(count):
        variants = ", ".join(f'"Вариант {n} номер {k} про тариф"' for k in range(7))
        lines += [f"  - id: big-{n}", f'    client: {{ru: "Мне не нужен тариф {n} с роумингом"}}',
                  f"    variants: {{ru: [{variants}]}}",
                  f'    answers: {{ru: ["Понимаю вас. Что для вас важно в тарифе {n}? Давайте подберу."]}}',
                  "    checklist: [acknowledge, clarify]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_large_catalog_ranks_through_the_prefilter_and_the_cache(tmp_path: Path) -> None:
    team = tmp_path / "big.yaml"
    big_catalog(team, 300)
    paths = catalog_paths([team])
    fresh = rank_phrases(phrase_index(load_files(paths)), "мне не нужен тариф 123 с роумингом", limit=3)
    load_phrase_index(paths)
    cached = rank_phrases(load_phrase_index(paths), "мне не нужен тариф 123 с роумингом", limit=3)
    assert cached == fresh
    assert cached[0].objection_id == "big-123" and cached[0].similarity == 100
    assert cached[0].client == "Мне не нужен тариф 123 с роумингом"
    assert cached[0].answer.startswith("Понимаю вас. Что для вас важно в тарифе 123?")
    assert len(cached) == 3 and len({s.objection_id for s in cached}) == 3


def test_the_suggest_command_reads_only_the_phrase_index(isolated_home: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    load_catalog()
    load_phrase_index(catalog_paths())

    def no_catalog(*_: object) -> Catalog:
        raise AssertionError("suggest loaded the whole catalog")

    monkeypatch.setattr(catalog_cache, "load_cached", no_catalog)
    code, out, _ = run_cli("suggest", "too expensive", "--json")
    assert code == 0 and json.loads(out)[0]["objection_id"] == "too-expensive"


def test_typer_builds_the_same_click_command_lazily_as_eagerly() -> None:
    group = typer.main.get_command(cli.app)
    lazy = group.commands["score"]  # type: ignore[attr-defined]
    info = cli._registration("score")
    assert not isinstance(info, typer.Typer)
    eager = typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
    assert [p.name for p in lazy.params] == [p.name for p in eager.params]
    assert lazy.help == eager.help


def test_the_collector_is_tuned_only_when_objcoach_owns_the_process() -> None:
    import gc

    frozen = gc.get_freeze_count()
    with cli.settled_imports():
        pass
    assert gc.get_freeze_count() == frozen and gc.isenabled()


def test_a_command_registered_on_app_the_usual_way_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def hello() -> None:
        """Say hello."""
        typer.echo("hello")

    monkeypatch.setattr(cli.app, "registered_commands", [typer.models.CommandInfo(name="hello", callback=hello)])
    code, out, _ = run_cli("hello")
    assert code == 0 and out == "hello\n"
    code, out, _ = run_cli("--help")
    assert out.rstrip().splitlines()[-1].split() == ["hello", "Say", "hello."]
