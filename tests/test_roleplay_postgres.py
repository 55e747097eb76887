"""Roleplay calls on a team's PostgreSQL: an operator ends their own call with its outcome, the database checks
the call's average per node and keeps outcomes to roleplay calls; stats, report and assignments read the calls.
Runs when OBJCOACH_TEST_PG names a server."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli, with_user
from test_postgres import team
from test_roleplay_reports import CALLS, call

from objcoach.store.base import Attempt
from objcoach.store.history import Store, StoreError, now_iso


def turn(store: Store, session: str, operator: str, node: str, score: int, objection: str = "too-expensive") -> None:
    store.add_attempt(Attempt(session, operator, objection, "ru", "roleplay", 1, "ответ", score, "good", {}, [], 1.0,
                              now_iso(), scenario_id="price-call", node_id=node))


def test_an_operator_ends_their_call_with_its_outcome_and_nothing_else(pg_url: str) -> None:
    import psycopg

    team(pg_url, ["rp_anna"], mentor="rp_mira")
    anna = with_user(pg_url, "rp_anna")
    with Store(anna) as store:
        # two nodes that share one catalog objection: the average is per node, (80 + 40) / 2, not 80
        session = store.start_session("rp_anna", "roleplay", "ru", 0, None, now_iso(), scenario_id="price-call")
        turn(store, session, "rp_anna", "first", 80)
        turn(store, session, "rp_anna", "second", 40)
        with pytest.raises(StoreError, match="average"):
            store.end_session(session, now_iso(), 80, None, outcome="resolved")
        with pytest.raises(StoreError, match="only a roleplay call"):
            store.end_session(session, now_iso(), 60, None, outcome="won")
        store.end_session(session, now_iso(), 60, None, outcome="resolved")
        with pytest.raises(StoreError, match="cannot be changed"):
            store.end_session(session, now_iso(), 60, None, outcome="lost")
        # a drill has no outcome
        drill = store.start_session("rp_anna", "drill", "ru", 1, None, now_iso())
        with pytest.raises(StoreError, match="only a roleplay call"):
            store.end_session(drill, now_iso(), None, None, outcome="resolved")
        store.end_session(drill, now_iso(), None, None)
        # an outcome comes with the call's end, never before it
        open_call = store.start_session("rp_anna", "roleplay", "ru", 0, None, now_iso(), scenario_id="price-call")
    with psycopg.connect(anna, autocommit=True) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="when it ends"):
            db.execute("UPDATE sessions SET outcome = 'resolved' WHERE id = %s", (open_call,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="starts unfinished"):
            db.execute("INSERT INTO sessions (id, operator, mode, lang, started_at, planned, scenario_id, outcome) "
                       "VALUES ('x1', 'rp_anna', 'roleplay', 'ru', '2026-12-01', 0, 'price-call', 'resolved')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the call's scenario is not the operator's to move
            db.execute("UPDATE sessions SET scenario_id = 'other' WHERE id = %s", (open_call,))
    with Store(pg_url) as admin:
        stored = admin.c.query("SELECT outcome, average FROM sessions WHERE id = ?", (session,))[0]
    assert stored["outcome"] == "resolved" and float(stored["average"]) == 60


def test_stats_report_and_assignments_read_calls_on_postgresql(pg_url: str) -> None:
    team(pg_url, ["rp_boris"], mentor="rp_vera")
    boris, vera = with_user(pg_url, "rp_boris"), with_user(pg_url, "rp_vera")
    env = {"OBJCOACH_CATALOG": str(CALLS), "COLUMNS": "200"}
    code, _, err = run_cli("assign", "--operator", "rp_boris", "--scenario", "double-charge", "--due", "7d",
                           "--db", vera, env=env)
    assert code == 0, err
    with Store(boris) as store:  # both calls after the assignment
        call(store, [("opening", 30), ("opening", 45), ("angrier", 40)], "escalated", operator="rp_boris", hours_ago=0)
        call(store, [("opening", 80), ("details", 75)], "resolved", operator="rp_boris", hours_ago=-0.01)
    code, out, err = run_cli("stats", "--json", "--db", boris, env=env)
    assert code == 0, err
    calls = json.loads(out)["roleplay"]
    assert (calls["calls"], calls["resolved"], calls["escalated"]) == (2, 1, 1)
    assert calls["failed_turns"][0]["node_id"] == "opening" and calls["failed_turns"][0]["failed"] == 2
    assert calls["average"] == pytest.approx(((45 + 40) / 2 + (80 + 75) / 2) / 2, abs=0.05)
    code, out, err = run_cli("report", "--format", "json", "--operator", "rp_boris", "--catalog", str(CALLS),
                             "--db", vera, env=env)
    assert code == 0, err
    assert json.loads(out)["reports"][0]["figures"]["roleplay"]["calls"] == 2
    status = json.loads(run_cli("assignments", "--json", "--db", vera, env=env)[1])["assignments"]
    assert [(row["scenario_id"], row["status"], row["attempts"], row["resolved"]) for row in status] == \
        [("double-charge", "done", 2, 1)]
