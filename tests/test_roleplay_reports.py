"""Roleplay calls in the history and the reports: stats, report (every format), history, review, verify, assign,
export and import. Calls are stored as the spec says a roleplay stores them (a session with mode "roleplay",
scenario_id and outcome; each turn an attempt with mode "roleplay", scenario_id and node_id), written here
through the Store, so these tests need no roleplay engine."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import DATA, run_cli

from objcoach.catalog.load import load_catalog
from objcoach.catalog.model import Catalog, is_scenario_key, scenario_key
from objcoach.store.base import Attempt
from objcoach.store.history import Store, now_iso

CALLS = DATA / "roleplay_calls.yaml"  # two scenarios: double-charge (inline nodes), price-call (a catalog objection)
NOW = datetime.now(timezone.utc)


@pytest.fixture
def calls_catalog() -> Catalog:
    return load_catalog([CALLS])


def call(store: Store, turns: list[tuple[str, int | None]], outcome: str | None, *, scenario: str = "double-charge",
         operator: str = "anna", lang: str = "ru", hours_ago: float = 1, catalog: Catalog | None = None) -> str:
    """A call as roleplay stores it: (node, score) per try in order; None for a skip. With `catalog`, each turn is
    stored with the grader's versions (so a report checks its score) and the reply the node's model answer."""
    from objcoach.scoring.versions import entry_version, grader_version

    started = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    session = store.start_session(operator, "roleplay", lang, 0, None, now_iso(started), scenario_id=scenario)
    best: dict[str, int] = {}
    for n, (node, score) in enumerate(turns):
        objection_id = "too-expensive" if scenario == "price-call" else f"{scenario}/{node}"
        reply, versions = f"ответ {n}", {}
        if catalog is not None:
            turn = catalog.scenario(scenario).nodes[node]  # type: ignore[union-attr]
            assert turn.objection is not None
            reply = turn.objection.answers[lang][0]
            versions = {"grader_version": grader_version(catalog),
                        "entry_version": entry_version(catalog, turn.objection)}
        try_no = sum(1 for earlier, _ in turns[:n] if earlier == node) + 1
        store.add_attempt(Attempt(
            session, operator, objection_id, lang, "roleplay", try_no, reply, score,
            None if score is None else ("good" if score >= 70 else "partial" if score >= 50 else "weak"),
            {}, ["empathy_apology"] if score is not None and score < 50 else [], 3.0,
            now_iso(started + timedelta(seconds=10 * (n + 1))), outcome="scored" if score is not None else "skipped",
            scenario_id=scenario, node_id=node, **versions))  # type: ignore[arg-type]
        best[node] = max(best.get(node, 0), score or 0)
    average = sum(best.values()) / len(best) if best else None
    store.end_session(session, now_iso(started + timedelta(minutes=5)), average, None,
                      interrupted=outcome is None, outcome=outcome)
    return session


def history(tmp_path: Path) -> Path:
    """anna: three calls of double-charge (resolved, escalated, lost), one of price-call cut short, one drill."""
    path = tmp_path / "history.sqlite3"
    with Store(path) as store:
        call(store, [("opening", 80), ("details", 75)], "resolved", hours_ago=5)
        call(store, [("opening", 30), ("opening", 40), ("angrier", 35)], "escalated", hours_ago=4)
        call(store, [("opening", 10)], "lost", hours_ago=3)
        call(store, [("price", None)], None, scenario="price-call", hours_ago=2)
        drill = store.start_session("anna", "drill", "ru", 1, None, now_iso(NOW - timedelta(hours=1)))
        store.add_attempt(Attempt(drill, "anna", "bank-already-chosen", "ru", "drill", 1, "Понимаю вас", 60, "partial",
                                  {}, [], 2.0, now_iso(NOW - timedelta(minutes=50))))
        store.end_session(drill, now_iso(NOW - timedelta(minutes=49)), 60, None)
    return path


def cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    return run_cli(*args, stdin=stdin, env={"OBJCOACH_CATALOG": str(CALLS), "COLUMNS": "200"})


# --- the store ----------------------------------------------------------------------------------------------------

def test_the_store_counts_calls_outcomes_and_failed_turns(tmp_path: Path) -> None:
    with Store(history(tmp_path)) as store:
        figures = store.roleplay("anna", None, below=50)
        assert store.roleplay("boris", None)["calls"] == 0
        since = store.roleplay("anna", now_iso(NOW - timedelta(hours=3, minutes=30)), below=50)
    assert {key: figures[key] for key in ("calls", "resolved", "escalated", "lost", "interrupted")} == \
        {"calls": 4, "resolved": 1, "escalated": 1, "lost": 1, "interrupted": 1}
    assert [(row["scenario_id"], row["calls"], row["resolved"], row["escalated"], row["lost"], row["interrupted"])
            for row in figures["scenarios"]] == [("double-charge", 3, 1, 1, 1, 0), ("price-call", 1, 0, 0, 0, 1)]
    # opening: 30, 40 and 10 fell short (3 of 5 tries); angrier 35 (1 of 1); the skipped price turn (1 of 1)
    turns = [(row["scenario_id"], row["node_id"], row["failed"], row["tries"]) for row in figures["failed_turns"]]
    assert turns[0] == ("double-charge", "opening", 3, 4)
    assert set(turns[1:]) == {("double-charge", "angrier", 1, 1), ("price-call", "price", 1, 1)}
    assert figures["failed_turns"][0]["average"] == pytest.approx((80 + 30 + 40 + 10) / 4)
    assert ("double-charge", "details") not in {(row["scenario_id"], row["node_id"]) for row in figures["failed_turns"]}
    assert since["calls"] == 2 and since["lost"] == 1 and since["interrupted"] == 1


def test_scenario_keys() -> None:
    assert scenario_key("double-charge") == "scenario:double-charge"
    assert is_scenario_key("scenario:double-charge") and not is_scenario_key("too-expensive")


# --- stats --------------------------------------------------------------------------------------------------------

def test_stats_shows_the_calls_and_keeps_them_out_of_the_objections_table(tmp_path: Path) -> None:
    db = str(history(tmp_path))
    code, out, err = cli("stats", "--json", "--operator", "anna", "--db", db)
    assert code == 0, err
    report = json.loads(out)
    assert report["roleplay"]["calls"] == 4 and report["roleplay"]["resolved"] == 1
    assert report["roleplay"]["failed_turns"][0]["node_id"] == "opening"
    assert [row["objection_id"] for row in report["mastery"]] == ["bank-already-chosen"]  # no "scenario/node" rows
    assert report["attempts"] == 8  # every reply counts in the totals
    for lang, words in (("ru", ("Звонки (ролевая игра)", "«Платёж списался дважды»", "Решено", "Прервано",
                                "«У меня платёж прошёл два раза! Вы что там творите?»: неудачных 3 из 4", "Эскалация")),
                        ("en", ("Calls (roleplay)", "“A payment taken twice”", "Resolved", "Interrupted",
                                "“My payment went through twice! What are you people doing?”: 3 of 4", "Escalated"))):
        code, out, err = cli("stats", "--operator", "anna", "--lang", lang, "--db", db)
        assert code == 0, err
        for word in words:
            assert word in out, (word, out)
        assert "double-charge/opening" not in out


def test_stats_without_calls_has_no_calls_section(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db) as store:
        store.start_session("anna", "drill", "ru", 1, None, now_iso())
    code, out, _ = cli("stats", "--json", "--db", str(db))
    assert code == 0 and json.loads(out)["roleplay"]["calls"] == 0
    assert "Calls" not in cli("stats", "--lang", "en", "--db", str(db))[1]


def test_scenario_cards_stay_out_of_forecast_and_leeches(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db) as store:
        for n in range(5):  # a scenario lost again and again: rated Again five times
            store.save_card("anna", scenario_key("double-charge"), "ru", "{}", NOW + timedelta(days=1), 10, rating=1,
                            reviewed_at=now_iso(NOW - timedelta(days=n)))
        store.start_session("anna", "roleplay", "ru", 0, None, now_iso(), scenario_id="double-charge")
    code, out, err = cli("stats", "--json", "--operator", "anna", "--db", str(db))
    assert code == 0, err
    report = json.loads(out)
    assert report["leeches"] == [] and sum(day["due"] for day in report["forecast"]) == 0
    assert "scenario:" not in cli("stats", "--operator", "anna", "--lang", "en", "--db", str(db))[1]


# --- history and review -------------------------------------------------------------------------------------------

def test_history_names_a_turn_by_its_scenario_and_the_clients_line(tmp_path: Path) -> None:
    db = str(history(tmp_path))
    code, out, _ = cli("history", "--operator", "anna", "--limit", "10", "--lang", "en", "--db", db)
    assert code == 0
    # the client's line as it was said in the call (in Russian), the scenario's title in the screen's language
    assert "“A payment taken twice” › “У меня" in out  # the column is narrow: the line wraps after
    assert "“The client finds it expensive” ›" in out
    rows = json.loads(cli("history", "--json", "--operator", "anna", "--db", db)[1])
    assert {(row["scenario_id"], row["node_id"]) for row in rows if row["mode"] == "roleplay"} >= \
        {("double-charge", "opening"), ("price-call", "price")}


def test_history_of_a_scenario_the_catalog_no_longer_has_shows_ids(tmp_path: Path) -> None:
    db = str(history(tmp_path))
    code, out, _ = run_cli("history", "--operator", "anna", "--limit", "10", "--lang", "en", "--db", db,
                           env={"COLUMNS": "200"})
    assert code == 0 and "double-charge/opening" in out


def test_review_shows_a_turn_and_refuses_to_accept_an_inline_nodes_reply(tmp_path: Path) -> None:
    db = str(history(tmp_path))
    code, out, _ = cli("review", "--operator", "anna", "--lowest", "3", "--lang", "en", "--db", db, stdin="s\ns\ns\n")
    assert code == 0
    assert "Client: “A payment taken twice” › “У меня платёж прошёл два раза!" in out
    weakest = json.loads(cli("review", "--operator", "anna", "--lowest", "1", "--json", "--db", db)[1])[0]
    assert weakest["node_id"] == "opening"
    code, _, err = cli("review", "--accept", weakest["id"], "--lang", "en", "--db", db)
    assert code == 2 and "roleplay_calls.yaml:11" in err and "by hand" in err
    code, out, err = cli("review", "--grade", f"{weakest['id']}=1", "--lang", "en", "--db", db)
    assert code == 0, err


# --- verify: a report scores stored turns again -------------------------------------------------------------------

def test_a_report_checks_roleplay_scores_by_their_node(tmp_path: Path, calls_catalog: Catalog) -> None:
    from objcoach.mentor.verify import check_history
    from objcoach.scoring.score import score_reply

    opening = calls_catalog.scenario("double-charge").nodes["opening"].objection  # type: ignore[union-attr]
    price = calls_catalog.get("too-expensive")
    assert opening is not None and price is not None
    honest = score_reply(opening.answers["ru"][0], opening, calls_catalog, "ru").score
    honest_price = score_reply(price.answers["ru"][0], price, calls_catalog, "ru").score
    with Store(tmp_path / "h.sqlite3") as store:
        call(store, [("opening", honest)], "lost", catalog=calls_catalog)
        forged = call(store, [("opening", min(100, honest + 20) if honest < 100 else 50)], "lost",
                      catalog=calls_catalog)
        call(store, [("price", honest_price)], "resolved", scenario="price-call", catalog=calls_catalog)
        check = check_history(store, calls_catalog, "anna", None)
        forged_ids = {row["id"] for row in store.c.query("SELECT id FROM attempts WHERE session_id = ?", (forged,))}
        assert {row.id for row in check.forged} == forged_ids
        assert check.older == {} and check.unchecked == {}
        # the scenario gone from the catalog: its turns cannot be checked, and are counted, not failed
        gone = check_history(store, load_catalog(), "anna", None)
        # (the price call's turn is still checked: its objection is the catalog's)
        assert gone.forged == () and gone.unchecked == {"anna": 2}
    code, out, err = run_cli("report", "--format", "md", "--lang", "en", "--catalog", str(CALLS), "--db",
                             str(tmp_path / "h.sqlite3"))
    assert code == 0, err
    assert "“A payment taken twice” › “У меня платёж прошёл два раза!" in out  # the forged turn, by its line


# --- report -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ru", "en"])
def test_report_has_a_calls_section_in_every_format(tmp_path: Path, lang: str) -> None:
    db = str(history(tmp_path))
    common = ("--operator", "anna", "--lang", lang, "--catalog", str(CALLS), "--db", db)
    code, out, err = run_cli("report", "--format", "json", *common)
    assert code == 0, err
    figures = json.loads(out)["reports"][0]["figures"]
    assert figures["roleplay"]["calls"] == 4 and figures["roleplay"]["scenarios"][0]["scenario_id"] == "double-charge"
    feedback = json.loads(out)["reports"][0]["feedback"]
    title = {"ru": "«Платёж списался дважды»", "en": "“A payment taken twice”"}[lang]
    assert any(title in line for line in feedback["observation"])
    assert any(title in line and "Понимаю, как это неприятно" * (lang == "ru") in line
               for line in feedback["correction"])  # the node's model answer as the example
    assert any({"ru": "«Клиенту дорого»", "en": "“The client finds it expensive”"}[lang] in line
               for line in feedback["agreement"])  # never resolved: play it again
    code, md, _ = run_cli("report", "--format", "md", *common)
    assert code == 0
    heading = {"ru": "### Звонки (ролевая игра)", "en": "### Calls (roleplay)"}[lang]
    assert heading in md and title in md and "(double-charge)" in md
    code, page, _ = run_cli("report", "--format", "html", *common)
    assert code == 0 and "class=\"bar\"" in page and title in page and "i class=\"lost\"" in page
    code, table, _ = run_cli("report", "--format", "csv", *common)
    rows = list(csv.DictReader(io.StringIO(table)))
    scenario_rows = [row for row in rows if row["scenario_id"] and not row["node_id"]]
    assert [(row["scenario_id"], row["calls"], row["resolved"]) for row in scenario_rows] == \
        [("double-charge", "3", "1"), ("price-call", "1", "0")]
    turn = next(row for row in rows if row["node_id"] == "opening")
    assert (turn["failed"], turn["attempts"]) == ("3", "4")
    assert [row["objection_id"] for row in rows if row["objection_id"]] == ["bank-already-chosen"]


def test_a_report_without_the_scenarios_in_the_catalog_falls_back_to_ids(tmp_path: Path) -> None:
    db = str(history(tmp_path))
    for fmt in ("md", "html", "json", "csv"):
        code, out, err = run_cli("report", "--format", fmt, "--lang", "en", "--db", db)
        assert code == 0, err
        assert "double-charge" in out and "Traceback" not in err
    code, out, _ = run_cli("report", "--format", "md", "--lang", "en", "--db", db)
    assert "double-charge/opening" in out and "| double-charge | 3 | 1 | 1 | 1 | 0 |" in out


# --- assign -------------------------------------------------------------------------------------------------------

def test_assign_a_scenario_and_see_it_done_when_a_call_is_resolved(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    code, out, err = cli("assign", "--operator", "anna", "--scenario", "double-charge", "--id", "too-expensive",
                         "--due", "7d", "--lang", "en", "--db", db)
    assert code == 0, err
    assert "1 objection(s) and 1 scenario(s)" in out
    status = json.loads(cli("assignments", "--json", "--db", db)[1])["assignments"]
    scenario = next(row for row in status if row["scenario_id"])
    assert scenario["objection_id"] == "scenario:double-charge" and scenario["status"] == "open"
    with Store(db) as store:
        assert "scenario:double-charge" in store.assigned_ids("anna", 70)
        call(store, [("opening", 40), ("angrier", 45)], "escalated", hours_ago=0)  # played, not resolved
        assert "scenario:double-charge" in store.assigned_ids("anna", 70)
        call(store, [("opening", 50), ("details", 60)], "resolved", hours_ago=0)
        assert "scenario:double-charge" not in store.assigned_ids("anna", 70)
    status = json.loads(cli("assignments", "--json", "--db", db)[1])
    scenario = next(row for row in status["assignments"] if row["scenario_id"])
    assert (scenario["status"], scenario["attempts"], scenario["resolved"], scenario["best"]) == ("done", 2, 1, 55)
    for lang, words in (("en", ("“A payment taken twice”", "done", "anna: 1 of 2 done")),
                        ("ru", ("«Платёж списался дважды»", "сделано", "anna: сделано 1 из 2"))):
        code, out, _ = cli("assignments", "--lang", lang, "--db", db)
        assert code == 0 and all(word in out for word in words), out


def test_a_call_before_the_assignment_does_not_do_it(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    with Store(db) as store:
        call(store, [("opening", 90), ("details", 90)], "resolved", hours_ago=2)
    assert cli("assign", "--operator", "anna", "--scenario", "double-charge", "--due", "7d", "--db", db)[0] == 0
    status = json.loads(cli("assignments", "--json", "--db", db)[1])["assignments"]
    assert status[0]["status"] == "open" and status[0]["attempts"] == 0


def test_assign_an_unknown_scenario_suggests_the_closest(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    code, _, err = cli("assign", "--operator", "anna", "--scenario", "double-charg", "--due", "7d", "--lang", "en",
                       "--db", db)
    assert code == 2 and "no such scenario" in err and "double-charge" in err
    code, _, err = cli("assign", "--operator", "anna", "--scenario", "zzz", "--due", "7d", "--lang", "ru", "--db", db)
    assert code == 2 and "нет такого сценария" in err
    assert not Path(db).exists() or json.loads(cli("assignments", "--json", "--db", db)[1])["assignments"] == []


# --- export and import --------------------------------------------------------------------------------------------

def test_export_and_import_carry_the_calls(tmp_path: Path) -> None:
    db = str(history(tmp_path))
    exported = tmp_path / "calls.jsonl"
    assert cli("export", "--all", "--output", str(exported), "--db", db)[0] == 0
    rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    turns = [row for row in rows if row["mode"] == "roleplay"]
    assert len(turns) == 7 and all(row["scenario_id"] and row["node_id"] for row in turns)
    assert {row["session_outcome"] for row in turns} == {"resolved", "escalated", "lost", None}
    other = str(tmp_path / "other.sqlite3")
    code, out, err = cli("import", str(exported), "--json", "--db", other)
    assert code == 0, err
    assert json.loads(out)["added"] == 8
    with Store(db) as before, Store(other) as after:
        assert after.roleplay("anna", None) == before.roleplay("anna", None)
    assert json.loads(cli("import", str(exported), "--json", "--db", other)[1])["added"] == 0


@pytest.mark.parametrize(("change", "problem"), [
    ({"session_outcome": "won"}, "session_outcome: 'won' should be one of resolved, escalated, lost"),
    ({"node_id": None}, "node_id: a roleplay turn names its scenario and node"),
    ({"scenario_id": "a b"}, "scenario_id: 'a b' should be an id"),
    ({"mode": "drill", "session_mode": "drill"}, "scenario_id: only a roleplay turn"),
    ({"mode": "drill", "session_mode": "drill", "scenario_id": None, "node_id": None},
     "session_scenario_id: only a roleplay call"),
])
def test_import_checks_the_call_fields(tmp_path: Path, change: dict[str, object], problem: str) -> None:
    db = str(history(tmp_path))
    exported = tmp_path / "calls.jsonl"
    cli("export", "--all", "--output", str(exported), "--db", db)
    row = next(json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()
               if json.loads(line)["mode"] == "roleplay")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**row, **change}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = cli("import", str(bad), "--json", "--db", str(tmp_path / "other.sqlite3"))
    assert code == 1 and problem in json.loads(out)["errors"][0], out


# --- one language -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ru", "en"])
def test_screens_with_calls_are_in_one_language(tmp_path: Path, lang: str) -> None:
    from test_one_language import NAMES, OTHER, allowed

    path = tmp_path / "h.sqlite3"
    with Store(path) as store:  # calls played in the screen's language
        call(store, [("opening", 80), ("details", 75)], "resolved", lang=lang)
        call(store, [("opening", 20), ("angrier", 30)], "escalated", lang=lang)
        call(store, [("price", None)], None, scenario="price-call", lang=lang)
    db = str(path)
    assert cli("assign", "--operator", "anna", "--scenario", "double-charge", "--due", "7d", "--db", db)[0] == 0
    leaks = []
    for args in (["stats", "--operator", "anna"], ["history", "--operator", "anna"], ["report", "--format", "md"],
                 ["assignments"], ["assign", "--operator", "anna", "--scenario", "double-charg", "--due", "7d"],
                 ["review", "--lowest", "2"]):
        _, out, err = run_cli(*args, "--db", db, stdin="s\ns\n",
                              env={"OBJCOACH_LANG": lang, "OBJCOACH_CATALOG": str(CALLS), "COLUMNS": "200"})
        shown = re.sub(r"\b[0-9a-f]{8}\b", " ", out + err)  # attempt ids first: a typed "2" would split them
        rest = allowed(shown, [*args, db, "ответ 0", "ответ 1", "double-charge", "price-call"], tmp_path)
        words = [word for word in OTHER[lang].findall(rest) if word not in NAMES]
        if words:
            leaks.append(f"{args}: {sorted(set(words))}\n{out}{err}")
    assert not leaks, "\n\n".join(leaks)
