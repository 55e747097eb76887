"""Where a call goes after a reply, and scripted calls: a scenario played with given replies, as `validate`
plays its model answers, a bad path and the mentor's test transcripts. Pure: no terminal, no store."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from objcoach.catalog.model import Branch, Catalog, Scenario, Turn
from objcoach.catalog.scenarios import ANY_FLAG, HARM_FLAGS
from objcoach.scoring.result import Score
from objcoach.scoring.score import score_reply

# A bad operator, as the self-test plays one: no answer, then brushing the client off and blaming them.
BAD_REPLIES = {
    "ru": ("", "Не знаю, это не мои проблемы.", "Вы сами виноваты, читайте договор."),
    "en": ("", "I don't know, that's not my problem.", "It's your own fault, read the contract."),
}


def branch_for(turn: Turn, score: Score, catalog: Catalog) -> Branch:
    """The first of the node's branches whose conditions all hold for this reply (the last one holds always)."""
    for branch in turn.next:
        if holds(branch, score, catalog):
            return branch
    return turn.next[-1]


def holds(branch: Branch, score: Score, catalog: Catalog) -> bool:
    if branch.verdicts and score.verdict not in branch.verdicts:
        return False
    shown = {hit.id for hit in score.techniques_hit}
    if branch.shown and not set(branch.shown) <= shown:
        return False
    if branch.missing and set(branch.missing) <= shown:
        return False
    if branch.raised:
        raised = set(score.flag_ids)
        if ANY_FLAG in branch.raised:
            harm = {flag for flag in raised if flag in catalog.antipatterns or flag in HARM_FLAGS}
            if harm:
                return True
        return bool(raised & set(branch.raised))
    return True


class Step(NamedTuple):
    turn: Turn
    reply: str
    score: Score
    to: str


class Walk(NamedTuple):
    """A scripted call: the steps taken and how it ended ("" when the replies ran out before an end)."""

    steps: tuple[Step, ...]
    end: str
    last: Turn


def walk(scenario: Scenario, catalog: Catalog, lang: str, replies: Callable[[Turn, int], str | None]) -> Walk:
    """Play `scenario` in `lang`, asking `replies(turn, index)` for each reply (None: stop there)."""
    turn = scenario.nodes[scenario.start]
    steps: list[Step] = []
    while not turn.end:
        reply = replies(turn, len(steps))
        if reply is None or turn.objection is None:
            return Walk(tuple(steps), "", turn)
        score = score_reply(reply, turn.objection, catalog, lang)
        branch = branch_for(turn, score, catalog)
        steps.append(Step(turn, reply, score, branch.to))
        turn = scenario.nodes[branch.to]
    return Walk(tuple(steps), turn.end, turn)


def model_walk(scenario: Scenario, catalog: Catalog, lang: str) -> Walk:
    """The call played with each node's first model answer: a well-written scenario ends resolved."""
    def answer(turn: Turn, _: int) -> str | None:
        answers = turn.objection.answers.get(lang) if turn.objection else None
        return answers[0] if answers else None
    return walk(scenario, catalog, lang, answer)


def bad_walk(scenario: Scenario, catalog: Catalog, lang: str) -> Walk:
    """The call played by a bad operator: it must not end resolved."""
    bad = BAD_REPLIES[lang]
    return walk(scenario, catalog, lang, lambda _, index: bad[index % len(bad)])


def scripted_walk(scenario: Scenario, catalog: Catalog, lang: str, replies: Sequence[str]) -> Walk:
    return walk(scenario, catalog, lang, lambda _, index: replies[index] if index < len(replies) else None)


class Failure(NamedTuple):
    """A self-test of a scenario that did not go as it should: where, what was played, how it ended."""

    where: str
    scenario: str
    lang: str
    kind: str  # "model" (model answers did not resolve), "bad" (a bad path resolved), "test" (a transcript)
    expected: str
    walk: Walk


def self_test_scenarios(catalog: Catalog, only: Callable[[str], bool] = lambda _: True) -> Iterator[Failure]:
    """Play every scenario (from files `only` accepts) with its model answers, a bad path and its test
    transcripts, in every language it can be played in; yield what did not end as it should."""
    for scenario in catalog.scenarios:
        if not only(scenario.origin.rsplit(":", 1)[0]):
            continue
        for lang in scenario.langs:
            played = model_walk(scenario, catalog, lang)
            if played.end != "resolved":
                yield Failure(scenario.origin, scenario.id, lang, "model", "resolved", played)
            played = bad_walk(scenario, catalog, lang)
            if played.end == "resolved":
                yield Failure(scenario.origin, scenario.id, lang, "bad", "escalated/lost", played)
        for test in scenario.tests:
            played = scripted_walk(scenario, catalog, test.lang, test.replies)
            if played.end != test.end:
                yield Failure(test.where, scenario.id, test.lang, "test", test.end, played)
