"""The catalog's `scenarios:` section: whole calls as graphs of client turns, read and checked.

A scenario is checked as a mentor would want a call checked before a trainee plays it: every node can be
reached from the start, every branch goes to a node that exists, the call cannot go round in a circle, every
node that is not an end has a branch taken whatever the reply (so no reply leaves the call nowhere), and every
path therefore reaches an end. Playing the model answers and the test transcripts needs the scorer: that is
`practice.branching.self_test_scenarios`, which `validate` runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from objcoach.catalog.fields import check_id, checklist_ids, nearest, phrases, text_lists, texts
from objcoach.catalog.model import ENDS, LANGS, MOODS, Branch, Objection, Scenario, TextLists, Transcript, Turn
from objcoach.catalog.reader import Node, Problems, Reader
from objcoach.scoring.settings import GUARD_FLAGS, VERDICTS

SCENARIO_KEYS = ("id", "title", "situation", "domain", "tags", "difficulty", "source", "start", "nodes", "tests")
# what a node's reply should do, written inline (as an objection has it) or taken from a catalog objection
INLINE_KEYS = ("checklist", "required", "key_points", "answers", "wrong", "tips")
NODE_KEYS = ("client", "mood", "objection", *INLINE_KEYS, "next", "end", "why")
BRANCH_KEYS = ("when", "to")
WHEN_KEYS = ("verdict", "shown", "missing", "raised")
TEST_KEYS = ("lang", "replies", "end")
# `raised: [any]`: any antipattern of the catalog, or a closing jab. Not the tone model's flag on its own: it is a
# soft signal that also falls on a clumsy but harmless reply, so a scenario names "tone" where it wants it.
ANY_FLAG = "any"
HARM_FLAGS = ("jab",)  # what `any` means besides the antipatterns
# what the scenario lends each of its inline objections: domain, tags, difficulty, source, situation
Shared = tuple[str, tuple[str, ...], int, str, dict[str, str]]


@dataclass
class ScenarioDraft:
    """A scenario as read from one file, before the catalog's objections and techniques are known."""

    scenario: Scenario
    where: str
    path: str  # "scenarios[2]": the field path its problems are named under
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (objection id, where, field path)
    techniques: list[tuple[str, str, str]] = field(default_factory=list)  # (technique id, where, field path)
    flags: list[tuple[str, str, str]] = field(default_factory=list)  # (flag id, where, field path)
    targets: list[tuple[str, str, str]] = field(default_factory=list)  # (node id, where, field path)
    start_where: str = ""


def read_scenarios(read: Reader, node: Node, required_langs: tuple[str, ...]) -> list[ScenarioDraft]:
    """Every scenario of a file's `scenarios:` section that could be read; problems go to `read`."""
    drafts = []
    for index, item in read.items(node, "scenarios"):
        draft = _scenario(read, item, f"scenarios[{index}]", required_langs)
        if draft:
            drafts.append(draft)
    return drafts


def _scenario(read: Reader, node: Node, path: str, required_langs: tuple[str, ...]) -> ScenarioDraft | None:
    fields = read.mapping(node, path, SCENARIO_KEYS)
    if not fields:
        return None
    missing = [key for key in ("id", "title", "start", "nodes") if key not in fields]
    for key in missing:
        read.fail(node, path, "needs", field=key)
    scenario_id = read.string(fields["id"][1], f"{path}.id") if "id" in fields else None
    broken = bool(missing) or scenario_id is None or not check_id(read, scenario_id, fields["id"][1], f"{path}.id")
    title = texts(read, fields["title"][1], f"{path}.title") if "title" in fields else {}
    situation = texts(read, fields["situation"][1], f"{path}.situation") if "situation" in fields else {}
    for lang in required_langs:
        if "title" in fields and lang not in title:
            read.fail(fields["title"][1], f"{path}.title", "needs_client_lang", lang=lang)
    domain = (read.string(fields["domain"][1], f"{path}.domain") or "") if "domain" in fields else ""
    tags = read.strings(fields["tags"][1], f"{path}.tags") if "tags" in fields else ()
    difficulty = read.integer(fields["difficulty"][1], f"{path}.difficulty", 1, 3) or 1 if "difficulty" in fields \
        else 1
    source = (read.string(fields["source"][1], f"{path}.source") or "") if "source" in fields else ""
    start = (read.string(fields["start"][1], f"{path}.start") or "") if "start" in fields else ""
    draft = ScenarioDraft(Scenario(scenario_id or "?", title, situation, start, {}), read.where(node), path)
    if "start" in fields:
        draft.start_where = read.where(fields["start"][1])
    nodes: dict[str, Turn] = {}
    if "nodes" in fields:
        for key, (key_node, value) in read.mapping(fields["nodes"][1], f"{path}.nodes").items():
            turn = _turn(read, key, key_node, value, f"{path}.nodes.{key}", draft, required_langs,
                         (domain, tags, difficulty, source, situation))
            if turn:
                nodes[key] = turn
    tests = tuple(filter(None, (_transcript(read, item, f"{path}.tests[{index}]")
                                for index, item in read.items(fields["tests"][1], f"{path}.tests")))) \
        if "tests" in fields else ()
    if broken or scenario_id is None:
        return None
    draft.scenario = Scenario(scenario_id, title, situation, start, nodes, domain, tags, difficulty, tests, source,
                              draft.where.rsplit(":", 1)[0])
    return draft


def _turn(read: Reader, key: str, key_node: Node, node: Node, path: str, draft: ScenarioDraft,
          required_langs: tuple[str, ...], shared: Shared) -> Turn | None:
    if not check_id(read, key, key_node, path):
        return None
    fields = read.mapping(node, path, NODE_KEYS)
    where = read.where(key_node)
    client = text_lists(read, fields["client"][1], f"{path}.client") if "client" in fields else {}
    mood = "calm"
    if "mood" in fields:
        given = read.string(fields["mood"][1], f"{path}.mood") or ""
        if given not in MOODS:
            read.fail(fields["mood"][1], f"{path}.mood", "scenario_mood", given=given, allowed=", ".join(MOODS))
        else:
            mood = given
    end = ""
    if "end" in fields:
        end = read.string(fields["end"][1], f"{path}.end") or ""
        if end not in ENDS:
            read.fail(fields["end"][1], f"{path}.end", "scenario_end", given=end, allowed=", ".join(ENDS))
            end = ""
    why = texts(read, fields["why"][1], f"{path}.why") if "why" in fields else {}
    inline = [name for name in INLINE_KEYS if name in fields]
    if "end" in fields:
        for name in ("next", "objection", *inline):
            if name in fields:
                read.fail(fields[name][0], f"{path}.{name}", "scenario_end_has", field=name)
        if not any(client.values()):
            read.fail(node, path, "needs", field="client")
        return Turn(key, client, mood, end=end, why=why, where=where)
    ref = ""
    if "objection" in fields:
        ref = read.string(fields["objection"][1], f"{path}.objection") or ""
        for name in inline:
            read.fail(fields[name][0], f"{path}.{name}", "scenario_ref_and_inline", field=name)
        if ref:
            draft.refs.append((ref, read.where(fields["objection"][1]), f"{path}.objection"))
    elif "answers" not in fields:
        read.fail(node, path, "scenario_needs_reply")
    elif not any(client.values()):
        read.fail(node, path, "needs", field="client")
    if "next" not in fields:
        read.fail(node, path, "needs", field="next")
    branches = tuple(filter(None, (_branch(read, item, f"{path}.next[{index}]", draft)
                                   for index, item in read.items(fields["next"][1], f"{path}.next")))) \
        if "next" in fields else ()
    if branches and not branches[-1].always:
        read.fail(fields["next"][1], f"{path}.next", "scenario_no_fallback")
    objection = None
    if not ref:
        objection = _inline_objection(read, fields, path, f"{draft.scenario.id}/{key}", client, draft, where,
                                      required_langs, shared)
    return Turn(key, client, mood, objection, ref, branches, where=where)


def _inline_objection(read: Reader, fields: Mapping[str, tuple[Node, Node]], path: str, objection_id: str,
                      client: TextLists, draft: ScenarioDraft, where: str, required_langs: tuple[str, ...],
                      shared: Shared) -> Objection:
    """What the reply at this node should do, as an objection of its own (scored as any objection is)."""
    answers = text_lists(read, fields["answers"][1], f"{path}.answers") if "answers" in fields else {}
    for lang in sorted({lang for lang, lines in client.items() if lines} | set(required_langs), key=LANGS.index):
        if "answers" in fields and not answers.get(lang):
            read.fail(fields["answers"][1], f"{path}.answers.{lang}", "needs_answer")
        if "client" in fields and not client.get(lang):
            read.fail(fields["client"][1], f"{path}.client", "needs_client_lang", lang=lang)

    checklist, required = checklist_ids(read, fields, path, draft.techniques)
    domain, tags, difficulty, source, situation = shared
    return Objection(
        id=objection_id,
        client={lang: lines[0] for lang, lines in client.items() if lines},
        answers=answers,
        variants={lang: lines[1:] for lang, lines in client.items() if len(lines) > 1},
        context=situation,
        domain=domain,
        tags=tags,
        difficulty=difficulty,
        checklist=checklist,
        required=required,
        key_points=text_lists(read, fields["key_points"][1], f"{path}.key_points") if "key_points" in fields else {},
        tips=texts(read, fields["tips"][1], f"{path}.tips") if "tips" in fields else {},
        source=source,
        origin=where.rsplit(":", 1)[0],
        wrong=phrases(read, fields["wrong"][1], f"{path}.wrong", alternatives=True) if "wrong" in fields else {},
    )


def _branch(read: Reader, node: Node, path: str, draft: ScenarioDraft) -> Branch | None:
    fields = read.mapping(node, path, BRANCH_KEYS)
    if "to" not in fields:
        read.fail(node, path, "needs", field="to")
        return None
    target = read.string(fields["to"][1], f"{path}.to") or ""
    where = read.where(node)
    if target:
        draft.targets.append((target, read.where(fields["to"][1]), f"{path}.to"))
    conditions: dict[str, tuple[str, ...]] = {}
    if "when" in fields:
        when = read.mapping(fields["when"][1], f"{path}.when", WHEN_KEYS)
        if not when:
            read.fail(fields["when"][1], f"{path}.when", "scenario_empty_when")
        for name, (_, value) in when.items():
            items = read.strings(value, f"{path}.when.{name}")
            conditions[name] = items
            place = read.where(value)
            if name == "verdict":
                for verdict in items:
                    if verdict not in VERDICTS:
                        read.fail(value, f"{path}.when.verdict", "scenario_verdict", given=verdict,
                                  allowed=", ".join(VERDICTS))
            elif name == "raised":
                draft.flags.extend((flag, place, f"{path}.when.raised") for flag in items)
            else:
                draft.techniques.extend((tid, place, f"{path}.when.{name}") for tid in items)
    return Branch(target, conditions.get("verdict", ()), conditions.get("shown", ()), conditions.get("missing", ()),
                  conditions.get("raised", ()), where)


def _transcript(read: Reader, node: Node, path: str) -> Transcript | None:
    fields = read.mapping(node, path, TEST_KEYS)
    for key in TEST_KEYS:
        if key not in fields:
            read.fail(node, path, "needs", field=key)
    if len(fields) < len(TEST_KEYS):
        return None
    lang = read.string(fields["lang"][1], f"{path}.lang") or ""
    if lang not in LANGS:
        read.fail(fields["lang"][1], f"{path}.lang", "unknown_language", lang=lang)
    end = read.string(fields["end"][1], f"{path}.end") or ""
    if end not in ENDS:
        read.fail(fields["end"][1], f"{path}.end", "scenario_end", given=end, allowed=", ".join(ENDS))
    replies = read.strings(fields["replies"][1], f"{path}.replies")
    if lang not in LANGS or end not in ENDS:
        return None
    return Transcript(lang, replies, end, read.where(node))


# --- checks that need the whole catalog -------------------------------------------------------------------


def finish_scenarios(drafts: Iterable[ScenarioDraft], objections: Mapping[str, Objection],
                     techniques: Iterable[str], antipatterns: Iterable[str], problems: Problems) -> list[Scenario]:
    """The scenarios with their objection references resolved, after the checks of their graphs."""
    techniques, antipatterns = set(techniques), set(antipatterns)
    flags = antipatterns | set(GUARD_FLAGS) | {"tone", ANY_FLAG}
    seen: dict[str, str] = {}
    result = []
    for draft in drafts:
        scenario = draft.scenario
        if scenario.id in seen:
            problems.add(draft.where, "", "scenario_twice", id=scenario.id, other=seen[scenario.id])
            continue
        seen[scenario.id] = draft.where
        for ref, where, path in draft.refs:
            if ref not in objections:
                _unknown(problems, where, path, "unknown_objection", ref, objections)
        for tid, where, path in draft.techniques:
            if tid not in techniques:
                _unknown(problems, where, path, "unknown_technique", tid, techniques)
        for flag, where, path in draft.flags:
            if flag not in flags:
                _unknown(problems, where, path, "scenario_unknown_flag", flag, flags)
        nodes = dict(scenario.nodes)
        for key, turn in nodes.items():
            if turn.ref in objections:
                referred = objections[turn.ref]
                client = turn.client if any(turn.client.values()) else {
                    lang: (line, *referred.variants.get(lang, ())) for lang, line in referred.client.items()}
                nodes[key] = turn._replace(objection=referred, client=client)
        bad_target = False
        for target, where, path in draft.targets:
            if target not in scenario.nodes:
                _unknown(problems, where, path, "scenario_unknown_node", target, scenario.nodes)
                bad_target = True
        if scenario.start and scenario.start not in scenario.nodes:
            _unknown(problems, draft.start_where or draft.where, f"{draft.path}.start",
                     "scenario_unknown_node", scenario.start, scenario.nodes)
        elif scenario.start and not bad_target:
            _check_graph(scenario, draft.path, problems)
        result.append(scenario._replace(nodes=nodes))
    return result


def _check_graph(scenario: Scenario, path: str, problems: Problems) -> None:
    nodes = scenario.nodes
    reachable: set[str] = set()
    stack = [scenario.start]
    while stack:
        key = stack.pop()
        if key in reachable:
            continue
        reachable.add(key)
        stack.extend(branch.to for branch in nodes[key].next)
    for key, turn in nodes.items():
        if key not in reachable:
            problems.add(turn.where, f"{path}.nodes.{key}", "scenario_unreachable",
                         id=key, start=scenario.start)
    cycle = _cycle(scenario)
    if cycle:
        first = nodes[cycle[0]]
        problems.add(first.where, f"{path}.nodes.{cycle[0]}", "scenario_cycle",
                     path=" → ".join([*cycle, cycle[0]]))
        return
    for key in reachable:  # with no circle, a node that is not an end and has no branch is where a path stops
        turn = nodes[key]
        if not turn.end and not turn.next:
            problems.add(turn.where, f"{path}.nodes.{key}", "scenario_dead_end", id=key)


def _cycle(scenario: Scenario) -> list[str]:
    """A circle of nodes the call can go round forever (the first found, in the file's order), or []. Walked
    with a stack of its own, not recursion: a catalog may hold thousands of nodes."""
    done: set[str] = set()
    for first in scenario.nodes:
        if first in done:
            continue
        path = [first]
        on_path = {first}
        pending = [iter(scenario.nodes[first].next)]
        while pending:
            branch = next(pending[-1], None)
            if branch is None:
                key = path.pop()
                on_path.discard(key)
                done.add(key)
                pending.pop()
                continue
            if branch.to in on_path:
                return path[path.index(branch.to):]
            if branch.to not in done and branch.to in scenario.nodes:
                path.append(branch.to)
                on_path.add(branch.to)
                pending.append(iter(scenario.nodes[branch.to].next))
    return []


def _unknown(problems: Problems, where: str, path: str, key: str, given: str, known: Iterable[str]) -> None:
    close = nearest(given, known)
    if close:
        problems.add(where, path, f"{key}_close", id=given, close=close)
    else:
        problems.add(where, path, key, id=given)
