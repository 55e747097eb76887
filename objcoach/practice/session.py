"""The drill and exam loops, driven through two callables so that tests run them without a terminal.

`ask(prompt)` returns the operator's line, or None at the end of input (and may raise
KeyboardInterrupt); `show(event)` displays one event. Nothing here imports Rich or Typer.
Every scored attempt is written to the store before its feedback is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from objcoach.catalog.model import Catalog, Objection
from objcoach.catalog.search import filter_objections
from objcoach.errors import InputError
from objcoach.practice.replies import Message as Message  # an event of a drill too: shown from here
from objcoach.practice.replies import Stop, read_reply, save_attempt
from objcoach.practice.schedule import LEECH_FAILS, plan, rating_for, review, utcnow
from objcoach.scoring.coach import Feedback, feedback, hint
from objcoach.scoring.result import Score
from objcoach.scoring.score import score_reply
from objcoach.scoring.settings import PASS_MARK, settings_for, verdict_for
from objcoach.store.base import History, now_iso

# A late exam reply loses LATE_BASE points, one more for every LATE_STEP seconds over, at most LATE_MAX.
LATE_BASE, LATE_STEP, LATE_MAX = 10, 5, 30


def late_penalty(seconds: float, limit: float | None) -> int:
    """Points a reply loses for being `seconds - limit` late (0 when on time or without a limit)."""
    if not limit or seconds <= limit:
        return 0
    return min(LATE_MAX, LATE_BASE + int((seconds - limit) // LATE_STEP))


# --- events shown to the operator -------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    mode: str
    total: int
    operator: str
    lang: str
    skipped_other_lang: int
    time_limit: float | None = None
    pass_mark: int | None = None


@dataclass(frozen=True)
class Shown:
    index: int
    total: int
    objection: Objection
    lang: str
    time_limit: float | None = None


@dataclass(frozen=True)
class Scored:
    score: Score
    feedback: Feedback
    objection: Objection
    try_no: int
    final: bool  # no more tries for this objection: the closest model answer is shown
    seconds: float
    show_answer: bool = True
    late_points: int = 0


@dataclass(frozen=True)
class AnswerShown:
    objection: Objection
    answer: str


@dataclass(frozen=True)
class Row:
    objection: Objection
    best: int | None
    tries: int
    seconds: float
    due: datetime | None
    outcome: str  # scored | skipped | answer | unanswered


@dataclass(frozen=True)
class Summary:
    mode: str
    rows: tuple[Row, ...]
    average: float | None
    previous: float | None
    interrupted: bool
    pass_mark: int | None = None
    passed: bool | None = None
    practise: tuple[Objection, ...] = ()
    missed_steps: tuple[str, ...] = ()
    lang: str = "en"
    leeches: tuple[tuple[Objection, int], ...] = ()  # objections of this session failed LEECH_FAILS times or more


Event = Started | Shown | Scored | Message | AnswerShown | Summary


@dataclass(frozen=True)
class Options:
    operator: str
    lang: str  # content and feedback language
    mode: str = "drill"  # drill | exam
    count: int = 5
    retries: int = 1
    seed: int | None = None
    ids: tuple[str, ...] = ()
    domain: str | None = None
    tag: str | None = None
    difficulty: int | None = None
    pass_mark: int = PASS_MARK
    time_limit: float | None = None
    first: tuple[str, ...] = ()  # assigned objections: practised before anything else
    parameters: tuple[float, ...] | None = None  # the operator's fitted FSRS parameters (run() reads them)


@dataclass
class _Progress:
    objection: Objection
    best: int | None = None
    tries: int = 0
    seconds: float = 0.0
    outcome: str = "unanswered"
    due: datetime | None = None
    missed: tuple[str, ...] = ()
    scheduled: bool = False


def choose(catalog: Catalog, store: History, options: Options, now: datetime) -> tuple[list[Objection], int]:
    """The objections of this session and how many were left out for lack of the language."""
    if options.ids:
        chosen = []
        for key in options.ids:
            objection = catalog.get(key)
            if objection is None:
                raise InputError(said="no_such_id", id=key)
            if options.lang not in objection.langs:
                raise InputError(said="id_no_lang", id=key, lang=options.lang)
            chosen.append(objection)
        return chosen, 0
    everything = filter_objections(catalog, domain=options.domain, tag=options.tag, difficulty=options.difficulty)
    usable = [o for o in everything if options.lang in o.langs]
    if not usable:
        raise InputError(said="no_objections_in" if everything else "no_filtered", lang=options.lang)
    cards = store.card_states(options.operator, options.lang)
    return (plan(usable, cards, options.count, now, seed=options.seed, first=options.first),
            len(everything) - len(usable))


def run(catalog: Catalog, store: History, options: Options, ask: Callable[[str], str | None],
        show: Callable[[Event], None], clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utcnow) -> Summary:
    """Run a drill or an exam to the end, to /quit, to the end of input or to Ctrl-C (re-raised after
    the summary is shown, so the caller can exit with 130)."""
    chosen, skipped = choose(catalog, store, options, now())
    fitted = store.fsrs_parameters(options.operator)
    if fitted:
        options = replace(options, parameters=tuple(fitted["parameters"]))
    exam = options.mode == "exam"
    started = now_iso(now())
    session_id = store.start_session(options.operator, options.mode, options.lang, len(chosen), options.seed,
                                     started, options.pass_mark if exam else None)
    show(Started(options.mode, len(chosen), options.operator, options.lang, skipped,
                 options.time_limit if exam else None, options.pass_mark if exam else None))
    progress = [_Progress(objection) for objection in chosen]
    interrupted = False
    last_attempt: list[str] = []  # the id of the latest scored attempt, for /dispute
    try:
        for index, item in enumerate(progress):
            show(Shown(index + 1, len(chosen), item.objection, options.lang, options.time_limit if exam else None))
            _one_objection(catalog, store, options, session_id, item, ask, show, clock, now, last_attempt)
        if not exam and last_attempt:
            _closing(store, ask, show, last_attempt[-1])
    except Stop:
        pass
    except KeyboardInterrupt:
        interrupted = True
    for item in progress:  # /quit or Ctrl-C between tries: the objection is still rated by its best so far
        if item.best is not None and not item.scheduled:
            _reschedule(store, options, item, item.best, now)
    titles = {tid: technique.title.get(options.lang, tid) for tid, technique in catalog.techniques.items()}
    summary = _finish(store, options, session_id, started, progress, interrupted, now, titles,
                      settings_for(catalog)["good"])
    show(summary)
    if interrupted:
        raise KeyboardInterrupt
    return summary


def _one_objection(catalog: Catalog, store: History, options: Options, session_id: str, item: _Progress,
                   ask: Callable[[str], str | None], show: Callable[[Event], None], clock: Callable[[], float],
                   now: Callable[[], datetime], last_attempt: list[str]) -> None:
    exam = options.mode == "exam"
    tries_allowed = 1 if exam else 1 + max(0, options.retries)
    objection = item.objection
    last_score: Score | None = None
    hints = 0  # asked for this objection: each /hint names the next missing step
    started = clock()

    def next_hint() -> str:
        nonlocal hints
        hints += 1
        return hint(last_score, objection, catalog, options.lang, options.lang, hints - 1)

    def dispute(note: str) -> bool:
        if last_attempt:
            store.dispute(last_attempt[-1], note)
        return bool(last_attempt)

    while True:
        text, command, asked = read_reply(ask, show, "retry" if item.tries else "reply", exam, next_hint, dispute)
        if command:  # /skip or /answer
            outcome = "skipped" if command == "/skip" else "answer"
            if command == "/answer":
                show(AnswerShown(objection, objection.answers[options.lang][0]))
            item.tries += 1  # a skip is an attempt, as `stats` counts it
            _record(store, catalog, options, session_id, objection, item.tries, "", None,
                    clock() - started, now, outcome=outcome, hints=asked)
            item.outcome = outcome
            item.seconds += clock() - started
            _reschedule(store, options, item, None, now)
            return
        seconds = clock() - started
        item.tries += 1
        result = score_reply(text, objection, catalog, options.lang)
        penalty = late_penalty(seconds, options.time_limit) if exam else 0
        points = max(0, result.score - penalty)
        attempt_id = _record(store, catalog, options, session_id, objection, item.tries, text, result, seconds, now,
                             points=points, verdict=_verdict(points, result, catalog), late=penalty > 0,
                             hints=asked)
        last_attempt.append(attempt_id)
        item.seconds += seconds
        item.best = points if item.best is None else max(item.best, points)
        item.outcome = "scored"
        item.missed = result.techniques_missed
        last_score = result
        final = item.tries >= tries_allowed or result.verdict in ("excellent", "good")
        advice = feedback(result, objection, catalog, options.lang)
        if final:  # no try is left: the model answer follows instead of a prompt to try again
            advice = advice._replace(retry_prompt="", rephrased="")
        show(Scored(result, advice, objection, item.tries, final, seconds, show_answer=not exam,
                    late_points=penalty))
        if final:
            _reschedule(store, options, item, item.best, now)
            return
        started = clock()


def _closing(store: History, ask: Callable[[str], str | None], show: Callable[[Event], None], attempt: str) -> None:
    """After the last feedback: a last chance to /dispute it before the summary."""
    show(Message("closing.help"))
    while True:
        line = ask("finish")
        text = (line or "").strip()
        if not text or text.lower() in ("/quit", "/skip"):
            return
        command, _, argument = text.partition(" ")
        if command.lower() == "/dispute":
            store.dispute(attempt, argument.strip())
            show(Message("dispute.saved"))
            return
        show(Message("closing.help"))


def _record(store: History, catalog: Catalog, options: Options, session_id: str, objection: Objection, try_no: int,
            reply: str, result: Score | None, seconds: float, now: Callable[[], datetime], *, points: int | None = None,
            verdict: str | None = None, late: bool = False, outcome: str = "scored", hints: int = 0) -> str:
    return save_attempt(store, catalog, objection, result, session_id=session_id, operator=options.operator,
                        lang=options.lang, mode=options.mode, try_no=try_no, reply=reply, seconds=seconds,
                        created_at=now_iso(now()), points=points, verdict=verdict, late=late, outcome=outcome,
                        hints=hints)


def _verdict(points: int, result: Score, catalog: Catalog) -> str:
    """The verdict of the points kept after a late penalty, in the catalog's own bands."""
    if points == result.score:
        return result.verdict
    return verdict_for(points, settings_for(catalog))


def _reschedule(store: History, options: Options, item: _Progress, best: int | None,
                now: Callable[[], datetime]) -> None:
    when = now()
    rating = rating_for(best)
    card, due = review(store.card(options.operator, item.objection.id, options.lang), rating, when,
                       options.parameters)
    store.save_card(options.operator, item.objection.id, options.lang, card, due, best, rating, now_iso(when))
    item.due = due
    item.scheduled = True


def _finish(store: History, options: Options, session_id: str, started: str, progress: Sequence[_Progress],
            interrupted: bool, now: Callable[[], datetime], titles: dict[str, str], good: float) -> Summary:
    """Close the session; a drill's objections still below `good` (the catalog's band) are to practise."""
    answered = [item for item in progress if item.outcome != "unanswered"]
    scores = [item.best or 0 for item in answered]
    average = round(sum(scores) / len(scores), 1) if scores else None
    exam = options.mode == "exam"
    passed = None
    if exam:
        # unanswered questions of an exam count as 0: the quiz is passed only when finished
        total = [item.best or 0 for item in progress]
        exam_average = sum(total) / len(total) if total else 0.0
        average = round(exam_average, 1)
        # an exam cut short by Ctrl-C is neither passed nor failed: it is stored as interrupted
        passed = None if interrupted else exam_average >= options.pass_mark
    store.end_session(session_id, now_iso(now()), average, passed, interrupted)
    previous = store.previous_average(options.operator, options.mode, options.lang, started, session_id)
    practise = tuple(item.objection for item in progress
                     if item.outcome != "unanswered" and (item.best or 0) < (options.pass_mark if exam else good))
    missed: dict[str, int] = {}
    for item in answered:
        for step in item.missed:
            missed[step] = missed.get(step, 0) + 1
    steps = tuple(titles.get(step, step) for step in sorted(missed, key=lambda step: -missed[step])[:3])
    rows = tuple(Row(item.objection, item.best, item.tries, round(item.seconds, 1), item.due, item.outcome)
                 for item in progress)
    fails = {row["objection_id"]: row["fails"] for row in store.failed_reviews(options.operator, LEECH_FAILS)
             if row["lang"] == options.lang}
    leeches = tuple((item.objection, fails[item.objection.id]) for item in progress if item.objection.id in fails)
    return Summary(options.mode, rows, average, previous, interrupted, options.pass_mark if exam else None,
                   passed, practise, steps, options.lang, leeches)
