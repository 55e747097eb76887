"""A roleplay call: one scenario played turn by turn, driven through `ask` and `show` as a drill is (see
session.py). The client says a node's line; the operator's reply is scored against the node's objection and
fed back as in a drill; the branch the reply meets picks the client's next line, until an end node. Every try
is stored as it is scored; the call is a session with its outcome, and the scenario's FSRS card is reviewed
from how the call went. Nothing here imports Rich or Typer."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from objcoach.catalog.fields import nearest
from objcoach.catalog.model import Catalog, Objection, Scenario, Turn, is_scenario_key, scenario_key
from objcoach.errors import InputError
from objcoach.practice.branching import branch_for, model_walk
from objcoach.practice.replies import Stop, read_reply, save_attempt
from objcoach.practice.schedule import call_rating, review, utcnow
from objcoach.practice.scorecard import Scorecard, TurnPlay, scorecard
from objcoach.practice.session import AnswerShown, Scored
from objcoach.scoring.coach import feedback, hint
from objcoach.scoring.result import Score
from objcoach.scoring.score import score_reply
from objcoach.scoring.settings import settings_for
from objcoach.store.base import History, now_iso

MODE = "roleplay"


@dataclass(frozen=True)
class CallOptions:
    operator: str
    lang: str  # the call's language: the client's lines, the replies and the feedback
    exam: bool = False  # no hint, no retry, no feedback until the scorecard
    retries: int = 1  # extra tries at a turn whose reply is below good (practice only)
    seed: int | None = None  # with a seed the client says a random variant of each line; without, the main one
    parameters: tuple[float, ...] | None = None  # the operator's fitted FSRS parameters (play() reads them)


@dataclass(frozen=True)
class CallStarted:
    scenario: Scenario
    lang: str
    operator: str
    exam: bool


@dataclass(frozen=True)
class ClientSays:
    """The client's line at a node (at an end node: their last words)."""

    turn: Turn
    line: str
    index: int  # the turn's number in this call, from 1 (an end node: the number after the last turn)
    lang: str


Event = CallStarted | ClientSays | Scorecard | object


def playable(catalog: Catalog, lang: str) -> list[Scenario]:
    if not catalog.scenarios:
        raise InputError(said="no_scenarios")
    usable = [scenario for scenario in catalog.scenarios if lang in scenario.langs]
    if not usable:
        raise InputError(said="no_scenarios_in", lang=lang)
    return usable


def find_scenario(catalog: Catalog, scenario_id: str, lang: str) -> Scenario:
    """The scenario asked for by id; a clear error for an unknown id (with the closest one) or another language."""
    found = catalog.scenario(scenario_id)
    if found is None:
        close = nearest(scenario_id, (scenario.id for scenario in catalog.scenarios), cutoff=0.6)
        if close:
            raise InputError(said="no_such_scenario_close", id=scenario_id, close=close)
        raise InputError(said="no_such_scenario" if catalog.scenarios else "no_scenarios", id=scenario_id)
    if lang not in found.langs:
        raise InputError(said="scenario_no_lang", id=scenario_id, lang=lang)
    return found


def choose_scenario(catalog: Catalog, store: History, operator: str, lang: str, now: datetime,
                    assigned: Sequence[str] = (), seed: int | None = None) -> Scenario:
    """The scenario to play when none is named: an assigned one, then one due, then one whose last call was
    below the good band (weak calls come back before new ones), then one never played, then the lowest
    last score. Calls that went well and aren't due don't keep a new scenario waiting."""
    usable = playable(catalog, lang)
    by_key = {scenario_key(scenario.id): scenario for scenario in usable}
    for key in assigned:
        if is_scenario_key(key) and key in by_key:
            return by_key[key]
    cards = store.card_states(operator, lang, scenarios=True)
    played = [scenario for scenario in usable if scenario_key(scenario.id) in cards]

    def state(scenario: Scenario) -> tuple[datetime, int]:
        card = cards[scenario_key(scenario.id)]
        return card.due, card.last_score or 0

    due = sorted((s for s in played if state(s)[0] <= now), key=lambda s: (state(s)[0], state(s)[1]))
    good = settings_for(catalog)["good"]
    weak = sorted((s for s in played if state(s)[1] < good), key=lambda s: (state(s)[1], state(s)[0]))
    new = [scenario for scenario in usable if scenario not in played]
    if seed is not None:
        random.Random(seed).shuffle(new)
    rest = sorted(played, key=lambda s: (state(s)[1], state(s)[0]))
    return (due or weak or new or rest)[0]


def client_line(turn: Turn, lang: str, rng: random.Random | None) -> str:
    lines = turn.client.get(lang) or ("",)
    return rng.choice(lines) if rng else lines[0]


def play(catalog: Catalog, store: History, scenario: Scenario, options: CallOptions,
         ask: Callable[[str], str | None], show: Callable[[Event], None],
         clock: Callable[[], float] = time.monotonic, now: Callable[[], datetime] = utcnow) -> Scorecard:
    """Play the call to an end node, to /quit, to the end of input or to Ctrl-C (re-raised after the scorecard
    is shown, so the caller can exit with 130)."""
    if options.lang not in scenario.langs:
        raise InputError(said="scenario_no_lang", id=scenario.id, lang=options.lang)
    rng = random.Random(options.seed) if options.seed is not None else None
    fitted = store.fsrs_parameters(options.operator)
    if fitted:
        options = replace(options, parameters=tuple(fitted["parameters"]))
    planned = len(model_walk(scenario, catalog, options.lang).steps)
    session_id = store.start_session(options.operator, MODE, options.lang, planned, options.seed, now_iso(now()),
                                     scenario_id=scenario.id)
    show(CallStarted(scenario, options.lang, options.operator, options.exam))
    turn = scenario.nodes[scenario.start]
    plays: list[TurnPlay] = []
    stopped = pressed_ctrl_c = False
    try:
        while not turn.end:
            line = client_line(turn, options.lang, rng)
            show(ClientSays(turn, line, len(plays) + 1, options.lang))
            played = TurnPlay(turn, line)
            plays.append(played)
            last = _one_turn(catalog, store, scenario, options, session_id, played, plays, ask, show, clock, now)
            turn = scenario.nodes[branch_for(turn, last, catalog).to]
    except Stop:
        stopped = True
    except KeyboardInterrupt:
        stopped = pressed_ctrl_c = True
    last_words = ""
    if not stopped:
        last_words = client_line(turn, options.lang, rng)
        show(ClientSays(turn, last_words, len(plays) + 1, options.lang))
    plays = [played for played in plays if played.tries]  # a turn the call stopped at before any reply
    bests = [played.best or 0 for played in plays]
    average = round(sum(bests) / len(bests), 1) if bests else None
    outcome = None if stopped else turn.end
    store.end_session(session_id, now_iso(now()), average, None, stopped, outcome)
    due = rating = None
    if outcome:  # an unfinished call says nothing of the scenario: its card is left as it was
        rating = call_rating(outcome, average, settings_for(catalog)["good"])
        when = now()
        key = scenario_key(scenario.id)
        card, due = review(store.card(options.operator, key, options.lang), rating, when, options.parameters)
        store.save_card(options.operator, key, options.lang, card, due, round(average or 0), rating, now_iso(when))
    card_shown = scorecard(catalog, scenario, options.lang, options.operator, options.exam, plays,
                           turn if outcome else None, last_words, average, due, rating)
    show(card_shown)
    if pressed_ctrl_c:
        raise KeyboardInterrupt
    return card_shown


def _one_turn(catalog: Catalog, store: History, scenario: Scenario, options: CallOptions, session_id: str,
              played: TurnPlay, plays: list[TurnPlay], ask: Callable[[str], str | None],
              show: Callable[[Event], None], clock: Callable[[], float], now: Callable[[], datetime]) -> Score:
    """The operator's tries at one node; returns the score the branch is chosen by.

    The branch follows the LAST try, not the best: a retry is a do-over of the line, and the client reacts
    to what was said last. Taking the best would let a retry gamble for free (a rude second try would cost
    nothing); the node's best still counts for the call's average, as a drill counts an objection's best."""
    turn = played.turn
    assert turn.objection is not None  # a node that isn't an end has what its reply should do
    objection = turn.objection
    said = objection._replace(client={options.lang: played.line})  # feedback quotes the line the client said
    tries_allowed = 1 if options.exam else 1 + max(0, options.retries)
    hints = 0
    started = clock()

    def next_hint() -> str:
        nonlocal hints
        hints += 1
        return hint(played.last, said, catalog, options.lang, options.lang, hints - 1)

    def dispute(note: str) -> bool:
        latest = next((p.attempt for p in reversed(plays) if p.attempt), "")
        if latest:
            store.dispute(latest, note)
        return bool(latest)

    while True:
        text, command, asked = read_reply(ask, show, "retry" if played.tries else "reply", options.exam,
                                          next_hint, dispute)
        seconds = clock() - started
        played.tries += 1
        played.hints += asked
        if command:  # /skip: the client hears silence; /answer: the model answer is said for the operator
            answer = objection.answers[options.lang][0]
            if command == "/answer":
                show(AnswerShown(said, answer))
            played.outcome = "skipped" if command == "/skip" else "answer"
            _store(store, catalog, options, session_id, scenario, played, objection, "", None, seconds, now, asked)
            return score_reply("" if command == "/skip" else answer, objection, catalog, options.lang)
        result = score_reply(text, objection, catalog, options.lang)
        played.attempt = _store(store, catalog, options, session_id, scenario, played, objection, text, result,
                                seconds, now, asked)
        played.scored(text, result)
        final = played.tries >= tries_allowed or result.verdict in ("excellent", "good")
        advice = feedback(result, said, catalog, options.lang)
        if final:  # no try is left: the closest model answer follows instead of a prompt to try again
            advice = advice._replace(retry_prompt="", rephrased="")
        show(Scored(result, advice, said, played.tries, final, seconds, show_answer=not options.exam))
        if final:
            return result
        started = clock()


def _store(store: History, catalog: Catalog, options: CallOptions, session_id: str, scenario: Scenario,
           played: TurnPlay, objection: Objection, reply: str, result: Score | None, seconds: float,
           now: Callable[[], datetime], hints: int) -> str:
    return save_attempt(store, catalog, objection, result, session_id=session_id, operator=options.operator,
                        lang=options.lang, mode=MODE, try_no=played.tries, reply=reply, seconds=seconds,
                        created_at=now_iso(now()), outcome=played.outcome if result is None else "scored",
                        hints=hints, scenario_id=scenario.id, node_id=played.turn.id)
