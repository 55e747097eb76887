"""Roleplay: a whole call played through ask/show (the engine) and through the CLI (a pipe), stored as a session
with its attempts, and the scenario's FSRS card."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import DATA, replies_then_ctrl_c, run_cli

from objcoach.catalog.load import load_catalog
from objcoach.catalog.model import Catalog, Scenario, is_scenario_key, scenario_key
from objcoach.practice.branching import BAD_REPLIES
from objcoach.practice.replies import Message
from objcoach.practice.roleplay import CallOptions, ClientSays, choose_scenario, play
from objcoach.practice.schedule import call_rating
from objcoach.practice.scorecard import Scorecard
from objcoach.practice.session import Scored
from objcoach.store.history import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
EXAMPLE = DATA / "scenario_example.yaml"
ID = "double-charge"


@pytest.fixture(scope="module")
def example() -> Catalog:
    return load_catalog([EXAMPLE])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "history.sqlite3") as opened:
        yield opened


def model(scenario: Scenario, lang: str) -> dict[str, str]:
    return {node: turn.objection.answers[lang][0] for node, turn in scenario.nodes.items() if turn.objection}


class Caller:
    """Replies by node (or a list in order), and what the call showed."""

    def __init__(self, replies: list[str | None] | dict[str, str]) -> None:
        self.replies = replies
        self.events: list[object] = []
        self.node = ""
        self.asked = 0

    def ask(self, prompt: str) -> str | None:
        if isinstance(self.replies, dict):
            return self.replies.get(self.node)
        self.asked += 1
        return self.replies[self.asked - 1] if self.asked <= len(self.replies) else None

    def show(self, event: object) -> None:
        self.events.append(event)
        if isinstance(event, ClientSays):
            self.node = event.turn.id

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [event for event in self.events if isinstance(event, kind)]


def call(catalog: Catalog, store: Store, caller: Caller, lang: str = "ru", **options: object) -> Scorecard:
    scenario = catalog.scenario(ID)
    assert scenario is not None
    return play(catalog, store, scenario, CallOptions("anna", lang, **options),  # type: ignore[arg-type]
                caller.ask, caller.show, now=lambda: NOW)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_model_answers_resolve_and_are_stored(example: Catalog, store: Store, lang: str) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    card = call(example, store, Caller(model(scenario, lang)), lang)
    assert card.end == "resolved" and card.why and card.last_words
    assert [row.node for row in card.turns] == ["opening", "details"]
    assert card.worked is not None and card.average is not None and card.average >= 70
    assert len(card.fixes) <= 2
    for fix in card.fixes:  # each example is from the model answers of the node where it was missed
        assert fix.example in scenario.nodes[fix.node].objection.answers[lang][0]  # type: ignore[union-attr]
    attempts = store.c.query("SELECT * FROM attempts ORDER BY created_at, try_no")
    assert [(row["mode"], row["scenario_id"], row["node_id"]) for row in attempts] == \
        [("roleplay", ID, "opening"), ("roleplay", ID, "details")]
    assert attempts[0]["objection_id"] == f"{ID}/opening"
    session = store.c.query("SELECT * FROM sessions")[0]
    assert (session["mode"], session["scenario_id"], session["outcome"], session["interrupted"]) == \
        ("roleplay", ID, "resolved", 0)
    assert session["average"] == card.average
    cards = store.card_states("anna", lang, scenarios=True)
    assert list(cards) == [scenario_key(ID)] and cards[scenario_key(ID)].due > NOW
    assert store.card_states("anna", lang) == {}  # a drill's plan never sees the scenario's card
    ratings = store.c.query("SELECT rating FROM card_reviews")
    assert [row["rating"] for row in ratings] == [card.rating] and card.rating in (3, 4)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_rude_or_empty_replies_do_not_resolve(example: Catalog, store: Store, lang: str) -> None:
    rude = call(example, store, Caller([BAD_REPLIES[lang][2]] * 4), lang, retries=0)
    assert rude.end == "lost" and rude.rating == 1
    empty = call(example, store, Caller(["/skip"] * 4), lang, retries=0)
    assert empty.end in ("lost", "escalated")
    assert [row.outcome for row in empty.turns] == ["skipped"] * len(empty.turns)


def test_a_retry_improves_the_turn_and_the_branch_follows_the_last_try(example: Catalog, store: Store) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    answers = model(scenario, "ru")
    caller = Caller(["Сейчас посмотрю.", answers["opening"], answers["details"]])
    card = call(example, store, caller, retries=1)
    scored = caller.of(Scored)
    assert [event.try_no for event in scored][:2] == [1, 2] and not scored[0].final and scored[1].final
    assert scored[0].feedback.retry_prompt or scored[0].feedback.rephrased
    assert card.end == "resolved"  # the retry was good: the call went on to the details, not to the angrier client
    assert card.turns[0].tries == 2 and card.turns[0].best == scored[1].score.score
    tries = store.c.query("SELECT try_no, node_id FROM attempts WHERE node_id = 'opening' ORDER BY try_no")
    assert [row["try_no"] for row in tries] == [1, 2]


def test_exam_has_no_retry_no_hint_and_no_feedback(example: Catalog, store: Store) -> None:
    caller = Caller(["/hint", "Сейчас посмотрю.", "Вы правы, приношу извинения, я лично возьму это в работу."])
    card = call(example, store, caller, exam=True)
    assert caller.of(Message)[0].key == "cmd.not_in_exam"
    assert all(not event.show_answer for event in caller.of(Scored))
    assert [row.tries for row in card.turns] == [1, 1]
    assert [row.node for row in card.turns] == ["opening", "angrier"]


def test_hint_is_counted_with_the_next_reply(example: Catalog, store: Store) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    answers = model(scenario, "ru")
    caller = Caller(["/подсказка", answers["opening"], answers["details"]])
    call(example, store, caller)
    assert caller.of(Message)[0].key == "hint.text"
    hints = store.c.query("SELECT node_id, hints FROM attempts ORDER BY created_at")
    assert [(row["node_id"], row["hints"]) for row in hints] == [("opening", 1), ("details", 0)]


def test_quit_mid_call_keeps_what_was_scored(example: Catalog, store: Store) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    card = call(example, store, Caller([model(scenario, "ru")["opening"], "/quit"]))
    assert card.interrupted and card.end == "" and card.rating is None
    session = store.c.query("SELECT * FROM sessions")[0]
    assert (session["interrupted"], session["outcome"]) == (1, None)
    assert len(store.c.query("SELECT * FROM attempts")) == 1
    assert store.card_states("anna", "ru", scenarios=True) == {}  # an unfinished call leaves the card alone


def test_ctrl_c_shows_the_scorecard_then_raises(example: Catalog, store: Store) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    ask = replies_then_ctrl_c([model(scenario, "ru")["opening"]])
    shown: list[object] = []
    with pytest.raises(KeyboardInterrupt):
        play(example, store, scenario, CallOptions("anna", "ru"), ask, shown.append, now=lambda: NOW)
    assert isinstance(shown[-1], Scorecard) and shown[-1].interrupted
    assert store.c.query("SELECT interrupted, outcome FROM sessions")[0] == {"interrupted": 1, "outcome": None}
    assert len(store.c.query("SELECT * FROM attempts")) == 1


def test_call_ratings() -> None:
    assert call_rating("resolved", 90, 70) == 4 and call_rating("resolved", 75, 70) == 3
    assert call_rating("resolved", 50, 70) == 2
    assert call_rating("escalated", 80, 70) == 2 and call_rating("escalated", 30, 70) == 1
    assert call_rating("lost", 95, 70) == 1
    assert is_scenario_key(scenario_key("x")) and not is_scenario_key("bank-already-chosen")


def test_choice_assigned_then_due_then_weak_then_new(example: Catalog, store: Store) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    other = scenario._replace(id="second")
    catalog = Catalog(example.techniques, example.antipatterns, example.objections, example.settings,
                      scenarios=(scenario, other))
    assert choose_scenario(catalog, store, "anna", "ru", NOW).id == ID  # nothing played: the first new one
    assert choose_scenario(catalog, store, "anna", "ru", NOW, assigned=["scenario:second"]).id == "second"
    call(catalog, store, Caller(model(scenario, "ru")))  # played well: not due, a new one comes first
    assert choose_scenario(catalog, store, "anna", "ru", NOW).id == "second"
    assert choose_scenario(catalog, store, "anna", "ru", NOW + timedelta(days=60)).id == ID  # due


# --- the command line ----------------------------------------------------------------------------


def lines(lang: str) -> str:
    scenario = load_catalog([EXAMPLE]).scenario(ID)
    assert scenario is not None
    answers = model(scenario, lang)
    return f"{answers['opening']}\n{answers['details']}\n"


def test_cli_through_a_pipe_resolves() -> None:
    code, out, err = run_cli("roleplay", ID, "--catalog", str(EXAMPLE), "--lang", "en", "--operator", "anna",
                             stdin=lines("en"))
    assert code == 0, err
    assert "Client (angry)" in out and "The call ended: resolved." in out and "What worked" in out
    assert "Your reply> I understand" in out  # each line read from the pipe is shown after its prompt
    code, out, _ = run_cli("history", "--operator", "anna", "--json")
    assert [row["mode"] for row in json.loads(out)] == ["roleplay", "roleplay"]


def test_cli_json_is_alone_on_stdout() -> None:
    code, out, err = run_cli("roleplay", ID, "--catalog", str(EXAMPLE), "--lang", "ru", "--json", stdin=lines("ru"))
    assert code == 0, err
    card = json.loads(out)
    assert card["outcome"] == "resolved" and [turn["node"] for turn in card["turns"]] == ["opening", "details"]
    assert "Клиент (зол)" in err


def test_cli_exam_and_rude_reply() -> None:
    code, out, err = run_cli("roleplay", ID, "--catalog", str(EXAMPLE), "--lang", "ru", "--exam", "--json",
                             stdin="Вы сами виноваты, читайте договор.\n")
    assert code == 0, err
    assert json.loads(out)["outcome"] == "lost"


def test_cli_list() -> None:
    code, out, err = run_cli("roleplay", "--list", "--json", "--catalog", str(EXAMPLE))
    assert code == 0, err
    rows = {row["id"]: row for row in json.loads(out)}  # the bundled scenarios and the example's
    assert ID in rows and len(rows) == len(load_catalog().scenarios) + 1
    assert {"id", "title", "situation", "domain", "difficulty", "langs", "nodes", "due"} <= set(rows[ID])
    assert rows[ID]["turns"] == 2 and rows[ID]["due"] is None
    code, out, _ = run_cli("roleplay", "--list", "--catalog", str(EXAMPLE), "--lang", "ru")
    assert code == 0 and "Платёж списался" in out and "новый" in out


@pytest.mark.parametrize(("args", "said"), [
    (["double-charg"], "did you mean 'double-charge'"),
    (["nothing-like-it-at-all"], "no scenario"),
])
def test_cli_errors_exit_2_without_traceback(args: list[str], said: str) -> None:
    code, _, err = run_cli("roleplay", *args, "--catalog", str(EXAMPLE), "--lang", "en", stdin="")
    assert code == 2 and said in err and "Traceback" not in err


def test_cli_no_scenarios_and_other_language(tmp_path: Path) -> None:
    code, _, err = run_cli("roleplay", "--lang", "en", stdin="")
    if not load_catalog().scenarios:
        assert code == 2 and "no scenarios" in err and "Traceback" not in err
    only_ru = tmp_path / "ru.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    only_ru.write_text(text.replace("id: double-charge", "id: only-ru"), encoding="utf-8")
    # a scenario without English: every node's English client line removed
    import re

    only_ru.write_text(re.sub(r",? ?en: [\[\"].*?(?=[}\n])", "", only_ru.read_text(encoding="utf-8")), "utf-8")
    if load_catalog([only_ru]).scenario("only-ru") is not None:
        code, _, err = run_cli("roleplay", "only-ru", "--catalog", str(only_ru), "--lang", "en", stdin="")
        assert code == 2 and "no en text" in err and "Traceback" not in err


# --- every bundled scenario (they land in data/objections.yaml separately) ----------------------------------

BUNDLED = [(scenario.id, lang) for scenario in load_catalog().scenarios for lang in scenario.langs]


@pytest.mark.skipif(not BUNDLED, reason="the bundled catalog has no scenarios yet")
@pytest.mark.parametrize(("scenario_id", "lang"), BUNDLED or [("none", "ru")])
def test_bundled_scenario_through_a_pipe(scenario_id: str, lang: str) -> None:
    catalog = load_catalog()
    scenario = catalog.scenario(scenario_id)
    assert scenario is not None
    from objcoach.practice.branching import model_walk

    replies = "".join(step.reply + "\n" for step in model_walk(scenario, catalog, lang).steps)
    code, out, err = run_cli("roleplay", scenario_id, "--lang", lang, "--json", stdin=replies)
    assert code == 0, err
    assert json.loads(out)["outcome"] == "resolved"
    for bad in (BAD_REPLIES[lang][2], BAD_REPLIES[lang][1], "/skip"):
        code, out, err = run_cli("roleplay", scenario_id, "--lang", lang, "--json", stdin=f"{bad}\n" * 12)
        assert code == 0, err
        assert json.loads(out)["outcome"] in ("lost", "escalated"), bad


def test_an_assigned_scenario_is_done_once_resolved_well(example: Catalog, store: Store) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    earlier = (NOW - timedelta(days=1)).isoformat()
    store.assign("anna", [scenario_key(ID), "too-expensive"], "2026-12-01", "maria", earlier)
    assert store.assigned_ids("anna", 70) == [scenario_key(ID), "too-expensive"]
    call(example, store, Caller(["Вы сами виноваты, читайте договор."]))  # lost: still to do
    assert store.assigned_ids("anna", 70) == [scenario_key(ID), "too-expensive"]
    call(example, store, Caller(model(scenario, "ru")))
    assert store.assigned_ids("anna", 70) == ["too-expensive"]


def test_fixes_come_one_from_each_weak_turn_with_its_own_model_answer(example: Catalog, store: Store) -> None:
    scenario = example.scenario(ID)
    assert scenario is not None
    replies = ["Сейчас проверю.", "Хорошо, я посмотрю, что там случилось со списанием."]
    card = call(example, store, Caller(replies), retries=0)
    assert card.end == "escalated" and [row.node for row in card.turns] == ["opening", "angrier"]
    assert sorted(fix.node for fix in card.fixes) == ["angrier", "opening"]
    for fix in card.fixes:
        assert fix.example in scenario.nodes[fix.node].objection.answers["ru"][0]  # type: ignore[union-attr]
