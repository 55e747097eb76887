"""Fitting the grader to a team: the ridge, `calibrate --fit`, a catalog naming the team's model, reviews."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import BANK, DATA, STRONG_RU, run_cli

from objcoach.catalog.load import bundled_catalog_path, load_files
from objcoach.catalog.model import Catalog
from objcoach.io import Row
from objcoach.scoring.fit import ridge, signed_ridge
from objcoach.scoring.model import bundled_model, load_model
from objcoach.scoring.score import score_reply
from objcoach.scoring.teamfit import examples_from_reviews, examples_from_rows
from objcoach.store.base import Attempt, now_iso
from objcoach.store.history import Store

A1 = DATA / "mentors" / "a1.jsonl"
TEAM_ENTRY = """scoring: {{model: {model}}}
objections:
  - id: team-price
    client: {{ru: "Слишком дорого для нас"}}
    checklist: [acknowledge, benefit]
    answers:
      ru: ["Понимаю вас. Зато обслуживание бесплатное первые 3 месяца. Давайте посчитаем вашу выгоду?"]
"""


def test_ridge_recovers_known_weights() -> None:
    rng = random.Random(7)
    truth = {"closeness": 1.5, "technique:clarify": 0.75, "words": -0.25}
    rows = [{name: rng.uniform(0, 2) for name in truth} for _ in range(200)]
    targets = [0.5 + sum(truth[name] * value for name, value in row.items()) for row in rows]
    bias, weights = ridge(rows, targets, alpha=1e-6)
    assert bias == pytest.approx(0.5, abs=1e-4)
    assert weights == pytest.approx(truth, abs=1e-4)


def test_signed_ridge_never_gives_a_technique_a_negative_weight() -> None:
    rng = random.Random(3)
    rows, targets = [], []
    for _ in range(200):
        closeness = rng.uniform(0, 1)
        showed = float(rng.random() < 0.5)
        rows.append({"closeness": closeness, "technique:benefit": showed, "flag:rude": float(rng.random() < 0.1)})
        # in these grades the technique goes with lower grades: plain ridge gives it a negative weight
        targets.append(3 * closeness - 0.8 * showed + rng.gauss(0, 0.1))
    assert ridge(rows, targets)[1]["technique:benefit"] < 0
    _, weights = signed_ridge(rows, targets)
    assert weights["technique:benefit"] == 0.0
    assert weights["flag:rude"] <= 0.0
    assert weights["closeness"] > 0


def test_grades_of_0_to_100_are_brought_to_0_to_3(catalog: object) -> None:
    rows = [Row(1, {"objection": BANK, "reply": STRONG_RU, "grade": 100}),
            Row(2, {"objection": BANK, "reply": "Ну и ладно.", "grade": 50}),
            Row(3, {"objection": "no-such-objection-at-all", "reply": "Да", "grade": 0})]
    examples, errors = examples_from_rows(rows, catalog)  # type: ignore[arg-type]
    assert [example.grade for example in examples] == [3.0, 1.5]
    assert examples[0].values and examples[0].lang == "ru"
    assert len(errors) == 1 and errors[0].startswith("row 3:")


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    """a1's grades fitted once for the module: (model file, --json output, table output)."""
    folder = tmp_path_factory.mktemp("fit")
    env = {"OBJCOACH_HOME": str(folder / "home"), "OBJCOACH_LANG": "en", "NO_COLOR": "1"}
    model = folder / "team-model.json"
    code, out, err = run_cli("calibrate", str(A1), "--fit", "--output", str(model), "--json", env=env)
    assert code == 0, err
    report = json.loads(out)
    code, table, err = run_cli("calibrate", str(A1), "--fit", "--output", str(model), env=env)
    assert code == 0, err
    return model, report, table


def test_calibrate_fit_writes_a_model_and_prints_before_and_after(fitted: tuple[Path, dict, str]) -> None:
    model_path, report, table = fitted
    assert report["rows"] == 516 and report["reviews"] == 0 and report["output"] == str(model_path)
    for side in ("before", "after"):
        assert set(report[side]) >= {"spearman", "pairs", "harmful_high", "strong_below_partial"}
    assert report["after"]["spearman"] > 0.5
    model = load_model(model_path)
    assert model.weights != bundled_model().weights
    assert model.grams is bundled_model().grams  # a team model holds only the combination
    assert "grams" not in json.loads(model_path.read_text(encoding="utf-8"))
    for words in ("Spearman", "Now", "Fitted (cross-validated)", str(model_path), "scoring: {model:"):
        assert words in table


def test_a_catalog_naming_the_team_model_scores_with_it(tmp_path: Path, fitted: tuple[Path, dict, str]) -> None:
    model_path = fitted[0]
    (tmp_path / "team-model.json").write_bytes(model_path.read_bytes())
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_ENTRY.format(model="team-model.json"), encoding="utf-8")
    bundled = load_files([bundled_catalog_path()])
    teamed = load_files([bundled_catalog_path(), team])
    assert teamed.model == str(tmp_path / "team-model.json")
    replies = [json.loads(line)["reply"] for line in A1.open(encoding="utf-8")][:40:4]
    objection = bundled.get(BANK)
    assert objection is not None
    scores = [(score_reply(reply, objection, bundled, "ru").score, score_reply(reply, objection, teamed, "ru").score)
              for reply in [STRONG_RU, *replies]]
    assert any(mine != theirs for mine, theirs in scores)
    code, out, err = run_cli("validate", str(team), "--no-self-test")
    assert code == 0, out + err


def test_a_damaged_team_model_fails_validate_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "broken-model.json").write_text('{"format": "objcoach-grader", "weights": ', encoding="utf-8")
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_ENTRY.format(model="broken-model.json"), encoding="utf-8")
    code, out, err = run_cli("validate", str(team), "--no-self-test")
    assert code == 1
    assert "broken-model.json" in out and "scoring.model" in out
    assert "Traceback" not in out + err


def test_fit_needs_output_and_enough_grades(tmp_path: Path) -> None:
    code, _, err = run_cli("calibrate", str(A1), "--fit")
    assert code == 2 and "--output" in err
    few = tmp_path / "few.jsonl"
    few.write_text("".join(A1.open(encoding="utf-8").readlines()[:10]), encoding="utf-8")
    code, _, err = run_cli("calibrate", str(few), "--fit", "--output", str(tmp_path / "m.json"))
    assert code == 2 and "at least 30" in err and not (tmp_path / "m.json").exists()
    same = tmp_path / "same.jsonl"
    same.write_text("".join(json.dumps({"objection": BANK, "reply": f"Понимаю вас {n}", "grade": 2}) + "\n"
                            for n in range(40)), encoding="utf-8")
    code, _, err = run_cli("calibrate", str(same), "--fit", "--output", str(tmp_path / "m.json"))
    assert code == 2 and "same grade" in err
    code, _, err = run_cli("calibrate", str(A1), "--output", str(tmp_path / "m.json"))
    assert code == 2 and "--fit" in err


def test_reviews_are_graded_examples_accepted_as_3_and_graded_with_the_mentors_grade(tmp_path: Path,
                                                                                     catalog: Catalog) -> None:
    db = tmp_path / "history.sqlite3"
    with Store(db) as store:
        session = store.start_session("anna", "drill", "ru", 4, None, now_iso())
        accepted = [STRONG_RU, "Понимаю. Что для вас главное в банке?"]
        for reply, decision, grade in ((accepted[0], "accepted", None), (accepted[1], "accepted", None),
                                       ("Ну и зря.", "dismissed", None), ("Понимаю вас, а что важно?", "graded", 1)):
            attempt = Attempt(session, "anna", BANK, "ru", "drill", 1, reply, 60, "partial", {}, [], 5.0, now_iso())
            store.add_attempt(attempt)
            store.save_review(attempt.id, decision, None, "boris", now_iso(), grade)
        reviewed = store.reviewed_grades()
        assert [(row["reply"], row["grade"]) for row in reviewed] == [(accepted[0], 3), (accepted[1], 3),
                                                                      ("Понимаю вас, а что важно?", 1)]
    assert [example.grade for example in examples_from_reviews(reviewed, catalog)] == [3.0, 3.0, 1.0]
    graded = tmp_path / "graded.jsonl"  # a quarter of a1 is plenty here, and four times quicker to measure
    graded.write_text("".join(A1.open(encoding="utf-8").readlines()[::4]), encoding="utf-8")
    model = tmp_path / "m.json"
    code, out, err = run_cli("calibrate", str(graded), "--fit", "--output", str(model), "--json", "--db", str(db))
    assert code == 0, err
    assert json.loads(out)["reviews"] == 3
    code, out, err = run_cli("calibrate", str(graded), "--fit", "--output", str(model), "--json", "--db", str(db),
                             "--no-reviews")
    assert code == 0, err
    assert json.loads(out)["reviews"] == 0
