"""Statistics from the history's aggregates: streaks, trends and mastery. Pure: no SQL, no printing."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from objcoach.errors import InputError

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
        raise InputError(f"--since {value!r}: use a number of days like 7d (or 12h, 2w) or a date like 2026-11-01"
                         ) from None
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


def stats_report(raw: dict[str, Any], operator: str | None, now: datetime) -> dict[str, Any]:
    """The `stats` figures: totals, streak, daily trend, mastery per objection, missed steps, exams."""
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
    }


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
