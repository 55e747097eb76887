"""Issue 16, items 8 and 9 as an operator and a mentor see them: stats' forecast, leeches and the FSRS
parameters (fitted or not, with and without the optimizer's packages), hints for the mentor, the report's
leeches and its calendar of practice days."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import run_cli

from objcoach.catalog.model import Catalog
from objcoach.mentor.formats import to_html
from objcoach.practice import schedule
from objcoach.practice.schedule import FIT_MIN_REVIEWS, LEECH_FAILS, forecast, refit, review
from objcoach.store.base import now_iso
from objcoach.store.history import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def history(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    return home / "history.sqlite3"


def reviewed(store: Store, operator: str, objection_id: str, ratings: list[int], start: datetime = NOW) -> None:
    """Cards reviewed with these ratings a day apart, as a drill would save them."""
    card = None
    for day, rating in enumerate(ratings):
        when = start + timedelta(days=day)
        card, due = review(card, rating, when)
        store.save_card(operator, objection_id, "ru", card, due, 30 if rating == 1 else 80, rating, now_iso(when))


def test_forecast_counts_what_falls_due_on_each_of_the_next_days() -> None:
    rows = [{"day": "2026-11-20", "n": 2}, {"day": "2026-11-25", "n": 1}, {"day": "2026-11-27", "n": 3},
            {"day": "2026-12-08", "n": 4}, {"day": "2026-12-09", "n": 9}]
    days = forecast(rows, NOW)
    assert len(days) == 14 and days[0] == {"day": "2026-11-25", "due": 3}  # overdue ones are due today
    assert days[2] == {"day": "2026-11-27", "due": 3} and days[13] == {"day": "2026-12-08", "due": 4}
    assert sum(day["due"] for day in days) == 10  # the 9th of December is beyond the fortnight


def test_stats_show_the_forecast_and_the_leeches(isolated_home: Path) -> None:
    with Store(history(isolated_home)) as store:
        reviewed(store, "anna", "too-expensive", [1] * LEECH_FAILS, start=datetime.now(timezone.utc))
        reviewed(store, "anna", "bank-already-chosen", [1, 3], start=datetime.now(timezone.utc))
    code, out, err = run_cli("stats", "--operator", "anna", "--json")
    assert code == 0, err
    figures = json.loads(out)
    assert len(figures["forecast"]) == 14 and sum(day["due"] for day in figures["forecast"]) == 2
    assert [row["objection_id"] for row in figures["leeches"]] == ["too-expensive"]
    assert figures["leeches"][0]["fails"] == LEECH_FAILS
    code, out, err = run_cli("stats", "--operator", "anna", "--lang", "ru")
    assert code == 0, err
    assert "Не получаются раз за разом" in out and f"неудачных повторений: {LEECH_FAILS}" in out
    assert "«Это дорого»" in out or "дорого" in out  # by the client's words, not only the id
    assert "Повторить в ближайшие 14 дней" in out


def test_a_drill_summary_flags_a_leech(isolated_home: Path) -> None:
    with Store(history(isolated_home)) as store:
        reviewed(store, "anna", "too-expensive", [1] * (LEECH_FAILS - 1), start=NOW - timedelta(days=10))
    code, out, err = run_cli("drill", "--id", "too-expensive", "--operator", "anna", "--lang", "ru",
                             stdin="не знаю\n")
    assert code == 0, err
    out = " ".join(out.split())
    assert f"не получается раз за разом (неудачных повторений: {LEECH_FAILS})" in out
    assert "objcoach show too-expensive" in out


class FakeOptimizer:
    """fsrs's Optimizer as far as objcoach uses it, without torch."""

    seen: ClassVar[list[Any]] = []

    def __init__(self, logs: list[Any]) -> None:
        FakeOptimizer.seen = list(logs)

    def compute_optimal_parameters(self) -> list[float]:
        from fsrs.scheduler import DEFAULT_PARAMETERS

        return [round(value * 1.01, 4) for value in DEFAULT_PARAMETERS]


def test_parameters_are_fitted_once_there_are_enough_reviews(isolated_home: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import fsrs

    monkeypatch.setattr(fsrs, "Optimizer", FakeOptimizer, raising=False)
    with Store(history(isolated_home)) as store:
        reviewed(store, "anna", "too-expensive", [3] * (FIT_MIN_REVIEWS - 1))
        assert not refit(store, "anna", NOW, can_fit=True)  # one review short
        reviewed(store, "anna", "need-to-think", [1], start=NOW - timedelta(days=1))
        assert refit(store, "anna", NOW, can_fit=True)
        assert len(FakeOptimizer.seen) == FIT_MIN_REVIEWS and {log.card_id for log in FakeOptimizer.seen} == {1, 2}
        fitted = store.fsrs_parameters("anna")
        assert fitted is not None and fitted["reviews"] == FIT_MIN_REVIEWS
        assert not refit(store, "anna", NOW, can_fit=True)  # nothing new since
    monkeypatch.setattr(schedule, "optimizer_available", lambda: False)
    code, out, err = run_cli("stats", "--operator", "anna", "--lang", "ru")
    assert code == 0, err
    out = " ".join(out.split())
    assert f"подобраны по вашим {FIT_MIN_REVIEWS} повторениям" in out
    status = json.loads(run_cli("stats", "--operator", "anna", "--json")[1])["schedule"]
    assert status["parameters"] == "fitted" and status["fitted_on"] == FIT_MIN_REVIEWS


def test_without_the_optimizers_packages_stats_say_how_to_install_them(isolated_home: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(history(isolated_home)) as store:
        reviewed(store, "anna", "too-expensive", [3] * 5)
        reviewed(store, "boris", "too-expensive", [3] * FIT_MIN_REVIEWS)
        monkeypatch.setattr(schedule, "optimizer_available", lambda: False)
        assert not refit(store, "boris", NOW)  # enough reviews, no torch: the defaults stay
        assert store.fsrs_parameters("boris") is None
    code, out, _ = run_cli("stats", "--operator", "anna", "--lang", "ru")
    out = " ".join(out.split())
    assert code == 0
    assert f"ваши подберутся после {FIT_MIN_REVIEWS} повторений (сейчас 5)" in out
    code, out, _ = run_cli("stats", "--operator", "boris", "--lang", "ru")
    out = " ".join(out.split())  # as wrapped to the screen
    assert code == 0
    assert "нужен torch: pip install 'objcoach[fit]'" in out
    status = json.loads(run_cli("stats", "--operator", "boris", "--json")[1])["schedule"]
    assert status == {"parameters": "default", "reviews": FIT_MIN_REVIEWS, "fitted_on": None, "fitted_at": None,
                      "needed": FIT_MIN_REVIEWS, "install": "pip install 'objcoach[fit]'"}
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^fit = \["fsrs\[optimizer\]', pyproject, re.MULTILINE)


def test_the_real_optimizer_is_used_when_its_packages_are_there(isolated_home: Path) -> None:
    if not schedule.optimizer_available():
        pytest.skip("torch is not installed: the fit's other path is tested with a stand-in optimizer")
    with Store(history(isolated_home)) as store:
        for n in range(FIT_MIN_REVIEWS // 4):
            reviewed(store, "anna", f"objection-{n}", [1, 3, 3, 4], start=NOW - timedelta(days=60))
        assert refit(store, "anna", NOW)
        fitted = store.fsrs_parameters("anna")
        assert fitted is not None and len(fitted["parameters"]) == 21


def test_the_mentor_sees_hints_leeches_and_practice_days(isolated_home: Path, catalog: Catalog) -> None:
    code, _, err = run_cli("drill", "--id", "too-expensive", "--operator", "anna", "--lang", "ru",
                           stdin="/hint\n/hint\nне знаю\n")
    assert code == 0, err
    with Store(history(isolated_home)) as store:
        reviewed(store, "anna", "too-expensive", [1] * LEECH_FAILS, start=NOW - timedelta(days=40))
        from objcoach.mentor.review import Reviewer

        said: list[str] = []
        Reviewer(store, None, "mentor", "ru").walk(store.review_candidates("anna", None, 5),
                                                   lambda prompt, default: "q", said.append)
    assert "Подсказок перед этим ответом: 2" in said
    code, out, err = run_cli("report", "--format", "json", "--lang", "ru")
    assert code == 0, err
    report = json.loads(out)["reports"][0]
    assert report["figures"]["hints"] == 2
    observation, correction = report["feedback"]["observation"], report["feedback"]["correction"]
    assert any("Подсказок взято: 2" in line for line in observation)
    assert any("too-expensive" in line and "Не получаются" in line for line in observation)
    fails = LEECH_FAILS + 1  # and the drill's «не знаю»
    assert any(f"неудачных повторений: {fails}" in line and "образцовые ответы" in line for line in correction)


def test_the_html_report_has_a_calendar_of_practice_days() -> None:
    trend = [{"day": "2026-11-02", "average": 50.0, "attempts": 1}, {"day": "2026-11-03", "average": 60.0,
                                                                    "attempts": 8},
             {"day": "2026-11-20", "average": 70.0, "attempts": 4}]
    figures = {"attempts": 13, "sessions": 3, "average": 60.0, "streak_days": 1, "exams": {"taken": 0, "passed": 0},
               "trend": trend, "mastery": [], "weakest_replies": []}
    report = {"operator": "anna", "period": {"since": None, "until": "2026-11-25T09:00:00+00:00"}, "figures": figures,
              "feedback": {"observation": [], "impact": [], "correction": [], "agreement": []}}
    page = to_html([report], "ru")
    calendar = page.split("Дни практики</h3>", 1)[1].split("</svg>", 1)[0]
    cells = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"><title>([^<]*)</title>', calendar)
    assert len(cells) == 19  # every day from the first practice day to the last
    shades = {title: fill for fill, title in cells}
    assert shades["2026-11-03: попыток 8"] != shades["2026-11-02: попыток 1"] != shades["2026-11-04: попыток 0"]
    assert "2026-11" in calendar and "http" not in calendar.split("<svg", 1)[1]  # self-contained


def test_hints_and_an_interrupted_exam_travel_with_export_and_import(isolated_home: Path, tmp_path: Path) -> None:
    code, _, err = run_cli("drill", "--id", "too-expensive", "--operator", "anna", "--lang", "ru",
                           stdin="/hint\nне знаю\n")
    assert code == 0, err
    with Store(history(isolated_home)) as store:
        session = store.start_session("anna", "exam", "ru", 3, None, now_iso(NOW), 70)
        store.end_session(session, now_iso(NOW + timedelta(minutes=1)), 0.0, None, interrupted=True)
        store.add_attempt(_attempt(session))
    exported = tmp_path / "anna.jsonl"
    assert run_cli("export", "--operator", "anna", "--output", str(exported))[0] == 0
    other = tmp_path / "mentor.sqlite3"
    code, _, err = run_cli("import", str(exported), "--db", str(other))
    assert code == 0, err
    with Store(other) as store:
        assert store.hints("anna", None) == 1
        assert store.c.query("SELECT interrupted FROM sessions WHERE mode = 'exam'")[0]["interrupted"] == 1
        assert store.stats("anna", None)["exams"] == {"taken": 0, "passed": 0}


def _attempt(session: str) -> Any:
    from objcoach.store.base import Attempt

    return Attempt(session, "anna", "need-to-think", "ru", "exam", 1, "Понимаю", 20, "fail", {}, [], 2.0,
                   now_iso(NOW), outcome="scored")
