"""Statistics from the history's aggregates: streaks, trends and mastery. Pure: no SQL, no printing."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from objcoach.catalog.model import Catalog
from objcoach.errors import InputError
from objcoach.i18n.names import Names
from objcoach.scoring.settings import settings_for

_RELATIVE = re.compile(r"^\s*(\d+)\s*([dwmh])\s*$", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1), "m": timedelta(days=30)}


def parse_since(value: str | None, now: datetime) -> str | None:
    """--since 7d | 12h | 2w | 2026-11-01 → an ISO timestamp (UTC) to compare with stored times."""
    if not value:
        return None
    match = _RELATIVE.match(value)
    if match:
        when = now - int(match.group(1)) * _UNITS[match.group(2).lower()]
        return when.astimezone(timezone.utc).isoformat(timespec="seconds")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(said="since", value=value) from None
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).isoformat(timespec="seconds")


def streak(days: list[str], today: date) -> int:
    """Days in a row with practice, ending today or yesterday."""
    practised = {date.fromisoformat(day) for day in days}
    current = today if today in practised else today - timedelta(days=1)
    count = 0
    while current in practised:
        count += 1
        current -= timedelta(days=1)
    return count


def stats_report(raw: dict[str, Any], operator: str | None, now: datetime,
                 roleplay: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `stats` figures: totals, streak, daily trend, mastery per objection, missed steps, exams, and the
    roleplay calls (`roleplay` from Store.roleplay)."""
    days = raw["days"]
    average = raw["average"]
    return {
        "operator": operator,
        "attempts": raw["attempts"],
        "sessions": raw["sessions"],
        "average": round(average, 1) if average is not None else None,
        "streak_days": streak([row["day"] for row in days], now.date()),
        "trend": [{"day": row["day"], "average": _round(row["average"]), "attempts": row["attempts"]}
                  for row in days],
        "mastery": [
            {"operator": row["operator"], "objection_id": row["objection_id"], "lang": row["lang"],
             "best": row["best"], "last": row["last"], "attempts": row["attempts"], "next_due": row["due"]}
            for row in raw["mastery"]
        ],
        "missed_steps": [{"step": row["step"], "times": row["times"]} for row in raw["missed_steps"]],
        "exams": {"taken": raw["exams"]["taken"], "passed": raw["exams"]["passed"]},
        "roleplay": roleplay_figures(roleplay),
    }


NO_CALLS: dict[str, Any] = {"calls": 0, "resolved": 0, "escalated": 0, "lost": 0, "interrupted": 0, "average": None,
                            "scenarios": [], "failed_turns": []}


def roleplay_figures(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Store.roleplay's figures with the averages rounded (none played: zeros)."""
    if not raw:
        return {**NO_CALLS}
    return {**raw, "average": _round(raw["average"]),
            "scenarios": [{**row, "average": _round(row["average"])} for row in raw["scenarios"]],
            "failed_turns": [{**row, "average": _round(row["average"])} for row in raw["failed_turns"]]}


def failed_below(catalog: Catalog | None) -> float:
    """A roleplay try scored below this failed its turn: the bottom of the catalog's "partial" band."""
    from objcoach.scoring.settings import DEFAULT_SETTINGS

    return (settings_for(catalog) if catalog is not None else DEFAULT_SETTINGS)["partial"]


def schedule_figures(store: Any, operator: str | None, now: datetime) -> dict[str, Any]:
    """What `stats` says of the schedule besides the practice: how many objections fall due on each of the
    next days, the leeches (failed again and again), and whether the operator's FSRS parameters are their own."""
    from objcoach.practice.schedule import (
        LEECH_FAILS,
        forecast,
        forecast_until,
        optimizer_available,
        schedule_status,
    )

    status = None
    if operator is not None:  # parameters are one operator's
        status = schedule_status(store.review_count(operator), store.fsrs_parameters(operator),
                                 optimizer_available())
    return {"forecast": forecast(store.due_by_day(operator, forecast_until(now)), now),
            "leeches": store.failed_reviews(operator, LEECH_FAILS), "schedule": status}


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def sparkline(values: list[float | None], low: float = 0.0, high: float = 100.0) -> str:
    """A one-line chart of values between `low` and `high` (gaps for missing values)."""
    bars = "▁▂▃▄▅▆▇█"
    out = []
    for value in values:
        if value is None:
            out.append(" ")
            continue
        share = (min(max(value, low), high) - low) / ((high - low) or 1)
        out.append(bars[min(len(bars) - 1, int(share * len(bars)))])
    return "".join(out)


# --- mentor reports: figures, then feedback by the seeds' algorithm ----------------------------
# observation (the facts) → impact (what it does to the client) → correction (what to practise, with
# example phrases) → agreement (goals for the next period); seed 001, case 9.

MAX_CORRECTIONS = 3


def operator_report(raw: dict[str, Any], previous: dict[str, Any] | None, operator: str,
                    catalog: Catalog, ui: str, period: tuple[str | None, str],
                    weakest: list[dict[str, Any]] | None = None,
                    checked: dict[str, Any] | None = None,
                    leeches: list[dict[str, Any]] | None = None, hints: int = 0,
                    roleplay: dict[str, Any] | None = None) -> dict[str, Any]:
    """One operator's figures and feedback. `raw` and `previous` come from Store.stats, `weakest`
    from Store.lowest_replies, `checked` from mentor/verify.py's Check.of (what the figures left out),
    `leeches` from Store.failed_reviews (objections failed again and again), `hints` from Store.hints,
    `roleplay` from Store.roleplay (the calls played)."""
    from objcoach.i18n import t
    from objcoach.i18n.names import quoted

    names = Names(catalog, ui)
    bands = settings_for(catalog)  # the catalog's verdict bands
    good, excellent = bands["good"], bands["excellent"]  # an excellent average is kept, not raised
    figures = stats_report(raw, operator, datetime.fromisoformat(period[1]), roleplay)
    figures["weakest_replies"] = weakest or []
    figures["previous_average"] = _round(previous["average"]) if previous else None
    figures["checked"] = checked or {"forged": [], "forged_exams": [], "older": 0, "unchecked": 0}
    figures["leeches"] = leeches or []  # objections' cards only: failed_reviews leaves scenarios' out
    figures["hints"] = hints
    mastery = [row for row in figures["mastery"] if row["best"] is not None]
    observation: list[str] = checked_observations(figures["checked"], ui, names)
    if not figures["attempts"]:
        observation.append(t(ui, "report.obs.none"))
    else:
        observation.append(t(ui, "report.obs.volume", attempts=figures["attempts"], sessions=figures["sessions"],
                             average=_fmt(figures["average"])))
        if figures["previous_average"] is not None and figures["average"] is not None:
            delta = round(figures["average"] - figures["previous_average"], 1)
            key = "report.obs.trend_up" if delta > 0 else "report.obs.trend_down" if delta < 0 else \
                "report.obs.trend_same"
            observation.append(t(ui, key, delta=_fmt(abs(delta)), previous=_fmt(figures["previous_average"])))
        if mastery:
            best = max(mastery, key=lambda row: row["best"])
            worst = min(mastery, key=lambda row: row["best"])
            observation.append(t(ui, "report.obs.best", objection=names.objection(best["objection_id"], best["lang"]),
                                 best=best["best"]))
            if worst is not best:
                observation.append(t(ui, "report.obs.weak", best=worst["best"],
                                     objection=names.objection(worst["objection_id"], worst["lang"])))
        steps = figures["missed_steps"][:3]
        if steps:
            observation.append(t(ui, "report.obs.steps", steps=", ".join(
                f"{names.technique(row['step'])} ({row['times']})" for row in steps)))
        if figures["exams"]["taken"]:
            observation.append(t(ui, "report.obs.exams", **figures["exams"]))
        if figures["hints"]:
            observation.append(t(ui, "report.obs.hints", n=figures["hints"], attempts=figures["attempts"]))
        if figures["leeches"]:
            observation.append(t(ui, "report.obs.leeches", objections=", ".join(
                f"{names.objection(row['objection_id'], row['lang'])} ({row['objection_id']}, {row['fails']})"
                for row in figures["leeches"][:MAX_CORRECTIONS])))
    calls = figures["roleplay"]
    if calls["calls"]:
        observation.append(t(ui, "report.obs.calls", **{key: calls[key] for key in
                                                         ("calls", "resolved", "escalated", "lost", "interrupted")},
                             average=_fmt(calls["average"])))
        if calls["failed_turns"]:
            observation.append(t(ui, "report.obs.turns", turns="; ".join(
                f"{names.scenario(row['scenario_id'])} › {names.node(row['scenario_id'], row['node_id'])} "
                f"({row['failed']}/{row['tries']})" for row in calls["failed_turns"][:MAX_CORRECTIONS])))
    impact = []
    for row in figures["missed_steps"][:2]:
        technique = catalog.techniques.get(row["step"])
        why = technique.why.get(ui, "") if technique else ""
        impact.append(t(ui, "report.impact.step", title=quoted(names.technique(row["step"]), ui), times=row["times"],
                        why=why))
    weak = sorted((row for row in mastery if row["best"] < good), key=lambda row: row["best"])
    correction = []
    for row in figures["leeches"][:MAX_CORRECTIONS]:  # more of the same practice won't fix these: study first
        objection = catalog.get(row["objection_id"])
        if objection is not None:
            lang = row["lang"]
            correction.append(t(ui, "report.correction.leech", client=names.objection(objection.id, lang, short=False),
                                objection=objection.id, n=row["fails"],
                                example=quoted((objection.answers.get(lang) or ("",))[0], ui)))
    studied = {row["objection_id"] for row in figures["leeches"][:MAX_CORRECTIONS]}
    for row in [row for row in weak if row["objection_id"] not in studied][:MAX_CORRECTIONS]:
        objection = catalog.get(row["objection_id"])
        if objection is None:
            continue
        lang = row["lang"]
        example = (objection.answers.get(lang) or ("",))[0]
        correction.append(t(ui, "report.correction.objection", client=names.objection(objection.id, lang, short=False),
                            objection=objection.id, best=row["best"], example=quoted(example, ui)))
    correction += turn_corrections(calls["failed_turns"][:2], catalog, ui, names)
    for row in figures["missed_steps"][:2]:
        technique = catalog.techniques.get(row["step"])
        if technique is None:
            continue
        example = (technique.examples.get(ui) or ("",))[0]
        correction.append(t(ui, "report.correction.step", title=quoted(names.technique(row["step"]), ui),
                            example=quoted(example, ui)))
    agreement = []
    if figures["average"] is not None:
        target = min(int(excellent), int(figures["average"] // 5 * 5 + 10))
        key = "report.agreement.keep" if figures["average"] >= excellent else "report.agreement.average"
        agreement.append(t(ui, key, target=target))
    if weak:
        agreement.append(t(ui, "report.agreement.objections",
                           objections=", ".join(names.objection(row["objection_id"], row["lang"])
                                                for row in weak[:MAX_CORRECTIONS])))
    if figures["missed_steps"]:
        first = names.technique(figures["missed_steps"][0]["step"])
        agreement.append(t(ui, "report.agreement.step", title=quoted(first, ui)))
    unresolved = [row for row in calls["scenarios"] if not row["resolved"]]
    if unresolved:
        agreement.append(t(ui, "report.agreement.calls", scenarios=", ".join(
            names.scenario(row["scenario_id"]) for row in unresolved[:MAX_CORRECTIONS])))
    agreement.append(t(ui, "report.agreement.practice", sessions=3))
    return {
        "operator": operator,
        "period": {"since": period[0], "until": period[1]},
        "figures": figures,
        "feedback": {"observation": observation, "impact": impact, "correction": correction,
                     "agreement": agreement},
    }


def turn_corrections(turns: list[dict[str, Any]], catalog: Catalog, ui: str, names: Names) -> list[str]:
    """What to practise for the roleplay turns failed most: the client's line there and the node's first model
    answer (none for a scenario or node the catalog no longer has)."""
    from objcoach.i18n import t
    from objcoach.i18n.names import quoted

    out = []
    for row in turns:
        scenario = catalog.scenario(row["scenario_id"])
        turn = scenario.nodes.get(row["node_id"]) if scenario else None
        if turn is None or turn.objection is None:
            continue
        answers = turn.objection.answers
        example = (answers.get(ui) or next(iter(answers.values()), ("",)))[0]
        out.append(t(ui, "report.correction.turn", scenario=names.scenario(row["scenario_id"]),
                     client=names.node(row["scenario_id"], row["node_id"], short=False), failed=row["failed"],
                     tries=row["tries"], example=quoted(example, ui)))
    return out


SHOWN_IDS = 10  # forged attempts named one by one in a report; the rest are counted


def checked_observations(checked: dict[str, Any], ui: str, names: Names | None = None) -> list[str]:
    """What re-scoring the stored replies found, first in the observation: the figures left out (and
    which), then what was kept though it could not be compared."""
    from objcoach.i18n import t

    names = names or Names(None, ui)

    lines = []
    forged = checked["forged"]
    if forged:
        named = [t(ui, "report.obs.forged_one", id=row["id"][:8], objection=names.attempt(row),
                   stored=row["stored"],
                   regraded="—" if row["regraded"] is None else row["regraded"]) for row in forged[:SHOWN_IDS]]
        more = len(forged) - SHOWN_IDS
        lines.append(t(ui, "report.obs.forged", n=len(forged), which="; ".join(named) + (f"; +{more}" if more > 0
                                                                                         else "")))
    if checked["forged_exams"]:
        lines.append(t(ui, "report.obs.forged_exams", n=len(checked["forged_exams"]),
                       which=", ".join(session[:8] for session in checked["forged_exams"])))
    if checked["older"]:
        lines.append(t(ui, "report.obs.older", n=checked["older"]))
    if checked["unchecked"]:
        lines.append(t(ui, "report.obs.unchecked", n=checked["unchecked"]))
    return lines


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def previous_period(since: str | None, until: datetime) -> tuple[str, str] | None:
    """The period of the same length just before [since, until], for the trend."""
    if not since:
        return None
    start = datetime.fromisoformat(since)
    return (start - (until - start)).isoformat(timespec="seconds"), since


def leaderboard(rows: list[dict[str, Any]], by: str, forged: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Operators ranked by practice (attempts, then active days) or by average score (then attempts). `rows`
    come without the forged attempts; `forged` counts them per operator, shown beside the rank."""
    if by == "score":
        ordered = sorted(rows, key=lambda row: (-(row["average"] or 0), -row["attempts"], row["operator"]))
    else:
        ordered = sorted(rows, key=lambda row: (-row["attempts"], -row["days"], row["operator"]))
    return [{"rank": rank, **row, "average": _round(row["average"]), "forged": (forged or {}).get(row["operator"], 0)}
            for rank, row in enumerate(ordered, start=1)]


def parse_due(value: str, now: datetime) -> str:
    """--due 2026-12-01 or 7d (from today) → YYYY-MM-DD."""
    match = _RELATIVE.match(value)
    if match and match.group(2).lower() == "d":
        return (now + timedelta(days=int(match.group(1)))).date().isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(said="due", value=value) from None


def assignment_status(rows: list[dict[str, Any]], now: datetime, done_score: int,
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each assignment as done, overdue or open; per operator: counts and the average best score on
    the assigned set (unattempted objections count 0). A scenario's assignment (Store.assignments' calls) is
    done by a call resolved or averaging `done_score`; its best is the best call's average, its attempts the
    calls."""
    from objcoach.catalog.model import is_scenario_key

    today = now.date().isoformat()
    out = []
    per: dict[str, dict[str, Any]] = {}
    for given in rows:
        best_call, calls, resolved = given.get("best_call"), given.get("calls", 0), given.get("resolved", 0)
        row = {key: value for key, value in given.items() if key not in ("best_call", "calls", "resolved")}
        if is_scenario_key(row["objection_id"]):
            row.update(scenario_id=row["objection_id"].split(":", 1)[1], best=_round(best_call), attempts=calls,
                       resolved=resolved)
        else:
            row.update(scenario_id=None, resolved=None)
        done = bool(row["resolved"]) or (row["best"] is not None and row["best"] >= done_score)
        status = "done" if done else "overdue" if row["due"] < today else "open"
        out.append({**row, "status": status})
        summary = per.setdefault(row["operator"], {"operator": row["operator"], "assigned": 0, "done": 0,
                                                   "overdue": 0, "scores": []})
        summary["assigned"] += 1
        summary["done"] += done
        summary["overdue"] += status == "overdue"
        summary["scores"].append(row["best"] or 0)
    totals = []
    for summary in per.values():
        scores = summary.pop("scores")
        summary["average"] = round(sum(scores) / len(scores), 1) if scores else None
        totals.append(summary)
    return out, totals
