"""Rich renderables for a roleplay call (see practice/roleplay.py): the call's start, each client line with the
client's mood in words, and the scorecard (a table on a terminal, plain lines through a pipe). A reply's
feedback is shown as a drill shows it (render_session.py). Decides nothing."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule

from objcoach.cli import render_session
from objcoach.cli.names import Names, quoted
from objcoach.cli.render import VERDICT_STYLES, new_table, number, safe_text, spaced, text
from objcoach.i18n import t

MOOD_STYLES = {"calm": "green", "irritated": "yellow", "angry": "red"}
END_STYLES = {"resolved": "bold green", "escalated": "bold yellow", "lost": "bold red"}


def event(item: object, ui: str, names: Names, boxes: bool = True) -> RenderableType | None:
    from objcoach.practice import roleplay as r
    from objcoach.practice.scorecard import Scorecard

    if isinstance(item, r.CallStarted):
        return _started(item, ui, names)
    if isinstance(item, r.ClientSays):
        return _client(item, ui, names)
    if isinstance(item, Scorecard):
        return scorecard(item, ui, names, boxes)
    from objcoach.practice.session import Scored

    if isinstance(item, Scored):  # the client's line is just above: the feedback is not titled with it again
        return render_session.scored(item, ui, titled=False)
    return render_session.event(item, ui, names)


def _started(item: Any, ui: str, names: Names) -> RenderableType:
    scenario = item.scenario
    lines: list[RenderableType] = [
        text(t(ui, "roleplay.started", title=names.scenario(scenario.id), operator=item.operator,
               lang=names.language(item.lang)), "bold")]
    if scenario.situation.get(item.lang):
        lines.append(safe_text(f"{t(ui, 'roleplay.situation')}: {scenario.situation[item.lang]}"))
    lines.append(text(t(ui, "roleplay.exam_help_line" if item.exam else "roleplay.help_line"), "dim"))
    return Group(*lines)


def _client(item: Any, ui: str, names: Names) -> RenderableType:
    turn = item.turn
    header = t(ui, "roleplay.end_turn") if turn.end else t(ui, "roleplay.turn", index=item.index)
    style = MOOD_STYLES.get(turn.mood, "cyan")
    title = safe_text(t(ui, "roleplay.client", mood=names.mood(turn.mood)), style=f"bold {style}")
    return Group(Rule(safe_text(header), style="dim"),
                 Panel(safe_text(item.line, style="bold"), title=title, title_align="left", border_style=style))


def scorecard(card: Any, ui: str, names: Names, boxes: bool = True) -> RenderableType:
    parts: list[RenderableType] = [_turns_table(card, ui, names) if boxes else _turn_lines(card, ui, names)]
    if card.end:
        ended = text(t(ui, "roleplay.ended", end=names.end(card.end)), END_STYLES.get(card.end, "bold"))
        lines: list[RenderableType] = [ended]
        if card.last_words:
            lines.append(safe_text(f"{t(ui, 'client')}: {quoted(card.last_words, ui)}"))
        if card.why:
            lines.append(safe_text(t(ui, "roleplay.why", why=card.why)))
        parts.append(Group(*lines))
    if card.average is not None:
        parts.append(text(t(ui, "scorecard.average", average=number(card.average)), "bold"))
    if card.worked:
        where = t(ui, "scorecard.where", line=quoted(card.worked.line, ui))
        parts.append(Group(text(t(ui, "scorecard.worked"), "bold green"),
                           safe_text(f"• {where}: {card.worked.praise}")))
    elif card.turns:
        parts.append(text(t(ui, "scorecard.nothing_worked"), "dim"))
    if card.fixes:
        lines = [text(t(ui, "scorecard.fixes"), "bold yellow")]
        for fix in card.fixes:
            line = safe_text(f"• {t(ui, 'scorecard.where', line=quoted(fix.line, ui))}: ")
            line.append(fix.what, style="bold")
            if fix.example:
                line.append(f"\n  {t(ui, 'example')}: ")
                line.append(quoted(fix.example, ui), style="italic")
            lines.append(line)
        parts.append(Group(*lines))
    if card.due is not None:
        parts.append(text(t(ui, "scorecard.due", due=render_session.due_text(card.due, ui)), "dim"))
    if card.interrupted:
        parts.append(text(t(ui, "roleplay.stopped"), "yellow"))
    return Group(*spaced(parts))


def _score(row: Any, ui: str, names: Names) -> str:
    if row.outcome in ("skipped", "answer"):
        return t(ui, "outcome." + row.outcome)
    return f"{row.best} · {names.verdict(row.verdict)}" if row.best is not None else "—"


def _turns_table(card: Any, ui: str, names: Names) -> RenderableType:
    table = new_table(title=t(ui, "scorecard.title", title=names.scenario(card.scenario.id)), show_lines=True)
    table.add_column("#", justify="right")
    table.add_column(t(ui, "scorecard.client"), overflow="fold", ratio=3)
    table.add_column(t(ui, "scorecard.reply"), overflow="fold", ratio=3)
    table.add_column(t(ui, "scorecard.score"))
    table.add_column(t(ui, "scorecard.missed"), overflow="fold", ratio=2)
    table.add_column(t(ui, "scorecard.tries"), justify="right")
    for index, row in enumerate(card.turns, 1):
        table.add_row(str(index), safe_text(quoted(row.line, ui)), safe_text(row.reply or "—", style="italic"),
                      safe_text(_score(row, ui, names), style=VERDICT_STYLES.get(row.verdict or "", "")),
                      safe_text(", ".join(names.technique(step) for step in row.missed) or "—"), str(row.tries))
    return table


def _turn_lines(card: Any, ui: str, names: Names) -> RenderableType:
    lines: list[RenderableType] = [text(t(ui, "scorecard.title", title=names.scenario(card.scenario.id)), "bold")]
    for index, row in enumerate(card.turns, 1):
        steps = ", ".join(names.technique(step) for step in row.missed)
        missed = t(ui, "scorecard.missed_line", steps=steps) if steps else ""
        score, _, verdict = _score(row, ui, names).partition(" · ")
        lines.append(safe_text(t(ui, "scorecard.turn_line", index=index, line=quoted(row.line, ui), score=score,
                                 verdict=verdict, missed=missed).replace(" · ·", " ·").rstrip(" ·")))
    return Group(*lines)


def scenario_table(rows: list[dict[str, Any]], ui: str, names: Names) -> RenderableType:
    """`roleplay --list`: each scenario's id, title, domain, difficulty, turns on the good path and when due."""
    table = new_table(show_lines=False)
    for key, justify in (("id", "left"), ("roleplay.list.title", "left"), ("domain", "left"),
                         ("difficulty", "right"), ("roleplay.list.turns", "right"), ("roleplay.list.due", "left")):
        # an id is typed back as a whole (`objcoach roleplay ID`): never wrapped
        table.add_column(t(ui, key), justify=justify, overflow="fold",  # type: ignore[arg-type]
                         no_wrap=key == "id")
    from datetime import datetime

    for row in rows:
        title = row["title"].get(ui) or next(iter(row["title"].values()), "")
        due = (render_session.due_text(datetime.fromisoformat(row["due"]), ui) if row["due"]
               else t(ui, "roleplay.list.new"))
        table.add_row(row["id"], safe_text(title), safe_text(names.domain(row["domain"])), str(row["difficulty"]),
                      str(row["turns"]), due)
    return table
