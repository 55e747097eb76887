# ruff: noqa: E501  (the catalog text is kept as a mentor writes it, one answer a line)
"""Scenarios in a catalog: read with file:line:col, their graphs checked, and played by `validate` (model
answers must resolve the call, a bad operator must not, test transcripts must reach the end they name)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from objcoach.catalog.load import load_files
from objcoach.catalog.parse import parse_files
from objcoach.practice.branching import bad_walk, model_walk, scripted_walk

# Line numbers below are this text's own: the tests check that problems name them.
CALL = """\
version: 1
scenarios:
  - id: double-charge
    title: {ru: "Платёж списался дважды", en: "A payment taken twice"}
    situation: {ru: "Клиент видит платёж дважды.", en: "The client sees one payment twice."}
    domain: bank
    source: "seed 000, case 1"
    start: opening
    nodes:
      opening:
        mood: angry
        client:
          ru: ["У меня платёж прошёл два раза! Вы что там творите?"]
          en: ["My payment went through twice! What are you people doing?"]
        checklist: [empathy_apology, take_ownership, clarify]
        required: [empathy_apology]
        answers:
          ru: ["Понимаю, как это неприятно, приношу извинения. Я сейчас же разберусь: подскажите, пожалуйста, дату и сумму платежа?"]
          en: ["I understand how unpleasant this is, and I'm sorry. I'll sort it out right now: could you tell me the date and the amount of the payment?"]
        next:
          - when: {raised: [any]}
            to: lost
          - when: {verdict: [excellent, good]}
            to: details
          - to: angrier
      angrier:
        mood: angry
        client:
          ru: ["Мне не нужны ваши отговорки, верните деньги!"]
          en: ["I don't need your excuses, give my money back!"]
        checklist: [empathy_apology, take_ownership]
        answers:
          ru: ["Вы правы, приношу извинения за ситуацию. Я лично возьму её в работу и верну лишнее списание."]
          en: ["You're right, I'm sorry about this. I'll take it on personally and get the extra charge returned."]
        next:
          - when: {verdict: [excellent, good]}
            to: details
          - to: escalated
      details:
        mood: irritated
        client:
          ru: ["Вчера, пять тысяч. Когда вернёте?"]
          en: ["Yesterday, five thousand. When will I get it back?"]
        checklist: [explain_cause, next_step]
        answers:
          ru: ["Вижу: второе списание — техническое удержание, банк снимет его в течение трёх рабочих дней. Я поставлю контроль и позвоню вам в пятницу."]
          en: ["I can see it: the second charge is a technical hold, the bank releases it within three working days. I'll keep an eye on it and call you on Friday."]
        next:
          - when: {verdict: [excellent, good, partial]}
            to: resolved
          - to: escalated
      resolved:
        mood: calm
        end: resolved
        client: {ru: ["Хорошо, жду звонка."], en: ["All right, I'll wait for your call."]}
        why: {ru: "Клиента услышали и дали срок.", en: "The client was heard and given a date."}
      escalated:
        end: escalated
        mood: angry
        client: {ru: ["Дайте руководителя!"], en: ["Put me through to your manager!"]}
        why: {ru: "Клиент не получил ни извинения, ни срока.", en: "No apology, no date."}
      lost:
        end: lost
        mood: angry
        client: {ru: ["Всё, закрываю счёт."], en: ["That's it, I'm closing my account."]}
        why: {ru: "Грубость.", en: "Rudeness."}
    tests:
      - lang: ru
        replies: ["Вы сами виноваты, читайте договор."]
        end: lost
"""


BUNDLED = Path(__file__).parent.parent / "data" / "objections.yaml"


def write(tmp_path: Path, text: str, name: str = "calls.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing `needle`."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[nth - 1]


def problems(path: Path) -> list[str]:
    _, found = parse_files([BUNDLED, path])
    return found.lines


def test_a_sound_scenario_is_read_with_its_nodes_branches_and_tests(tmp_path: Path) -> None:
    catalog = load_files([BUNDLED, write(tmp_path, CALL)])
    scenario = catalog.scenario("double-charge")
    assert scenario is not None and scenario.start == "opening" and scenario.langs == ("ru", "en")
    opening = scenario.nodes["opening"]
    assert opening.mood == "angry" and opening.objection is not None
    assert opening.objection.id == "double-charge/opening" and opening.objection.required == ("empathy_apology",)
    assert [branch.to for branch in opening.next] == ["lost", "details", "angrier"]
    assert opening.next[0].raised == ("any",) and opening.next[-1].always
    assert scenario.nodes["resolved"].end == "resolved" and scenario.nodes["resolved"].objection is None
    assert scenario.tests[0].end == "lost" and scenario.tests[0].where.endswith(f":{line_of(CALL, '- lang: ru')}:9")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_model_answers_resolve_the_call_and_a_bad_operator_does_not(tmp_path: Path, lang: str) -> None:
    catalog = load_files([BUNDLED, write(tmp_path, CALL)])
    scenario = catalog.scenario("double-charge")
    assert scenario is not None
    played = model_walk(scenario, catalog, lang)
    assert played.end == "resolved", [(step.turn.id, step.score.score) for step in played.steps]
    assert [step.turn.id for step in played.steps] == ["opening", "details"]
    assert bad_walk(scenario, catalog, lang).end in ("lost", "escalated")


def test_branches_follow_verdicts_missing_techniques_and_flags(tmp_path: Path) -> None:
    catalog = load_files([BUNDLED, write(tmp_path, CALL)])
    scenario = catalog.scenario("double-charge")
    assert scenario is not None
    rude = scripted_walk(scenario, catalog, "ru", ["Вы сами виноваты, читайте договор."])
    assert rude.end == "lost" and rude.steps[0].to == "lost"
    # a reply with no apology is not good here: the client gets angrier, and a good reply still recovers the call
    recovered = scripted_walk(scenario, catalog, "en", [
        "What's the date of the payment?",
        "You're right, and I'm sorry about this. I'll personally take it on and get the extra charge returned.",
        "The second charge is a technical hold, it will be released within three working days; "
        "I'll check it and call you on Friday."])
    assert [step.to for step in recovered.steps] == ["angrier", "details", "resolved"]
    assert recovered.end == "resolved"
    stopped = scripted_walk(scenario, catalog, "ru", [])
    assert stopped.end == "" and stopped.last.id == "opening"


def test_validate_accepts_a_sound_scenario_and_counts_it(tmp_path: Path) -> None:
    code, out, err = run_cli("validate", str(write(tmp_path, CALL)))
    assert code == 0, out + err
    assert f"{len(load_files([BUNDLED]).scenarios) + 1} scenarios" in out


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, str]:
    assert old in CALL
    text = CALL.replace(old, new, count)
    return write(tmp_path, text), text


def test_a_dangling_branch_is_named_at_its_line_with_a_close_match(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "          - to: angrier\n", "          - to: angrie\n")
    line = line_of(text, "- to: angrie")
    assert problems(path) == [f"{path}:{line}:17: scenarios[0].nodes.opening.next[2].to: "
                              "no node 'angrie' in this scenario (did you mean 'angrier'?)"]


def test_an_unreachable_node_is_named_at_its_line(tmp_path: Path) -> None:
    text = CALL.replace("            to: details\n          - to: escalated\n", "            to: details\n          - to: details\n")
    text = text.replace("            to: resolved\n          - to: escalated\n", "            to: resolved\n          - to: resolved\n")
    path = write(tmp_path, text)
    line = line_of(text, "      escalated:")
    assert problems(path) == [f"{path}:{line}:7: scenarios[0].nodes.escalated: node 'escalated' cannot be "
                              "reached from the start ('opening'): no branch leads to it"]


def test_a_path_with_no_end_is_found_as_a_circle_and_as_a_dead_end(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "          - to: escalated\n      details:", "          - to: opening\n      details:")
    line = line_of(text, "      opening:")
    assert problems(path) == [f"{path}:{line}:7: scenarios[0].nodes.opening: the call can go round in a circle "
                              "forever: opening → angrier → opening"]
    # every branch of a node made conditional: some reply would leave the call with nowhere to go
    path, text = broken(tmp_path, "          - to: angrier\n", "          - when: {verdict: [fail]}\n            to: angrier\n")
    line = line_of(text, "- when: {raised: [any]}")
    assert problems(path) == [f"{path}:{line}:11: scenarios[0].nodes.opening.next: the last branch needs no "
                              "`when:`: it is where the call goes when no other branch holds"]


def test_a_failing_test_transcript_and_a_bad_path_that_resolves_fail_validate(tmp_path: Path) -> None:
    # the node a rude reply leads to wrongly marked resolved, and reached by the bad operator too
    text = CALL.replace("        end: lost\n", "        end: resolved\n", 1)
    text = text.replace("            to: details\n          - to: escalated\n", "            to: details\n          - to: lost\n")
    path = write(tmp_path, text)
    code, out, _ = run_cli("validate", str(path))
    test_line = line_of(text, "- lang: ru")
    assert code == 1
    assert f"{path}:{test_line}:9: scenario double-charge [ru], test transcript: ended “resolved”, expected “lost” " \
           "(opening → lost)" in out.splitlines(), out
    assert any("scenario double-charge [en], empty and rude replies: ended “resolved”, expected “escalated” / “lost” "
               "(opening → angrier → lost)" in line for line in out.splitlines()), out
    code, out, _ = run_cli("validate", str(path), "--lang", "ru")
    assert code == 1
    assert (f"{path}:{test_line}:9: сценарий double-charge [ru], тестовая расшифровка: исход «решено», ожидался "
            "«клиент потерян» (opening → lost)") in out.splitlines(), out


def test_model_answers_that_do_not_resolve_are_named(tmp_path: Path) -> None:
    # the details node's model answer no longer explains or names a step: the call escalates
    path, _ = broken(tmp_path, "Вижу: второе списание — техническое удержание, банк снимет его в течение трёх рабочих "
                     "дней. Я поставлю контроль и позвоню вам в пятницу.", "Ну да.")
    code, out, _ = run_cli("validate", str(path), "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert any("scenario double-charge [ru], model answers: ended “escalated”, expected “resolved” "
               "(opening → details → escalated)" in line for line in report["problems"]), report


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    start: opening\n", "    start: openin\n", "scenarios[0].start: no node 'openin' in this scenario (did you mean 'opening'?)"),
    ("        mood: irritated\n", "        mood: furious\n", "mood 'furious' is not one of: calm, irritated, angry"),
    ("        end: escalated\n", "        end: transferred\n", "end 'transferred' is not one of: resolved, escalated, lost"),
    ("          - when: {raised: [any]}\n", "          - when: {raised: [rudee]}\n", "unknown flag 'rudee' (did you mean 'rude'?)"),
    ("          - when: {verdict: [excellent, good]}\n            to: details\n          - to: angrier",
     "          - when: {verdict: [great]}\n            to: details\n          - to: angrier",
     "verdict 'great' is not one of: excellent, good, partial, weak, fail"),
    ("        checklist: [explain_cause, next_step]\n", "        checklist: [explain_cause, nextstep]\n",
     "unknown technique 'nextstep' (did you mean 'next_step'?)"),
    ("        why: {ru: \"Грубость.\", en: \"Rudeness.\"}\n", "        why: {ru: \"Грубость.\", en: \"Rudeness.\"}\n        next:\n          - to: opening\n",
     "an end node has no next: the call is over there"),
])
def test_each_field_problem_names_its_place(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path, _ = broken(tmp_path, old, new)
    found = problems(path)
    assert any(expected in line and line.startswith(f"{path}:") for line in found), found


def test_a_node_may_take_a_catalog_objection_and_its_client_lines(tmp_path: Path) -> None:
    text = CALL.replace("""        checklist: [explain_cause, next_step]
        answers:
          ru: ["Вижу: второе списание — техническое удержание, банк снимет его в течение трёх рабочих дней. Я поставлю контроль и позвоню вам в пятницу."]
          en: ["I can see it: the second charge is a technical hold, the bank releases it within three working days. I'll keep an eye on it and call you on Friday."]
""", "        objection: payment-charged-twice\n")
    text = text.replace("""        client:
          ru: ["Вчера, пять тысяч. Когда вернёте?"]
          en: ["Yesterday, five thousand. When will I get it back?"]
        objection""", "        objection")
    catalog = load_files([BUNDLED, write(tmp_path, text)])
    scenario = catalog.scenario("double-charge")
    assert scenario is not None
    details = scenario.nodes["details"]
    referred = catalog.get("payment-charged-twice")
    assert referred is not None and details.objection == referred and details.ref == "payment-charged-twice"
    assert details.client["ru"][0] == referred.client["ru"]
    # naming an objection that is not there, or writing a checklist beside the reference
    path, _ = broken(tmp_path, "        checklist: [explain_cause, next_step]\n",
                     "        objection: payment-charged-twise\n        checklist: [explain_cause, next_step]\n")
    found = problems(path)
    assert any("no objection 'payment-charged-twise' in the catalogs loaded (did you mean 'payment-charged-twice'?)"
               in line for line in found), found
    assert any("checklist is given beside `objection:`" in line for line in found), found


def test_a_long_chain_of_nodes_and_a_long_circle_are_checked_without_recursion(tmp_path: Path) -> None:
    count = 5000
    nodes = "".join(f"""      n{i}:
        client: {{ru: ["Реплика {i}"]}}
        answers: {{ru: ["Понимаю вас, давайте разберёмся вместе."]}}
        next:
          - to: n{i + 1}
""" for i in range(count))
    head = """version: 1
languages: [ru]
scenarios:
  - id: long
    title: {ru: "Длинный"}
    start: n0
    nodes:
"""
    end = f"""      n{count}:
        end: resolved
        client: {{ru: ["Спасибо"]}}
"""
    _, found = parse_files([write(tmp_path, head + nodes + end)])
    assert found.lines == []
    circle = nodes.replace(f"          - to: n{count}\n", "          - to: n0\n")
    _, found = parse_files([write(tmp_path, head + circle + end.replace("n5000:", "n5000:"), "circle.yaml")])
    assert any("circle forever: n0 → n1 → n2" in line for line in found.lines), found.lines[:3]


def test_a_graded_roleplay_turn_is_an_example_for_the_team_fit(tmp_path: Path) -> None:
    from objcoach.scoring.teamfit import examples_from_reviews

    catalog = load_files([BUNDLED, write(tmp_path, CALL)])
    reviewed = [{"objection_id": "double-charge/opening", "scenario_id": "double-charge", "node_id": "opening",
                 "lang": "ru", "reply": "Понимаю, приношу извинения, сейчас разберусь. Какая дата платежа?",
                 "decision": "graded", "grade": 3},
                {"objection_id": "gone/node", "scenario_id": "gone", "node_id": "node", "lang": "ru",
                 "reply": "Понимаю", "decision": "graded", "grade": 1}]  # its scenario left the catalog: skipped
    examples = examples_from_reviews(reviewed, catalog)
    assert len(examples) == 1
    opening = catalog.scenario("double-charge")
    assert opening is not None and catalog.answered("double-charge/opening", "double-charge", "opening") \
        == opening.nodes["opening"].objection
