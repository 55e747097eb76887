"""Rich renderables for a drill or exam: each session event (see practice/session.py) and the summary.
Decides nothing."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel

from objcoach.cli.names import Names
from objcoach.cli.render import mentor_note, new_table, number, safe_text, score_panel, spaced, text
from objcoach.i18n import t


def event(item: object, ui: str, names: Names | None = None) -> RenderableType | None:
    """The renderable for one session event (see session.py)."""
    from objcoach.practice import session as s

    names = names or Names(None, ui)
    if isinstance(item, s.Started):
        return _started(item, ui, names)
    if isinstance(item, s.Shown):
        return _shown(item, ui, names)
    if isinstance(item, s.Scored):
        return scored(item, ui)
    if isinstance(item, s.Message):
        return text(t(ui, item.key, **item.values), "cyan")
    if isinstance(item, s.AnswerShown):
        return Panel(safe_text(item.answer, style="italic"), title=safe_text(t(ui, "model_answer")), title_align="left",
                     border_style="green")
    if isinstance(item, s.Summary):
        return summary(item, ui, names)
    return None


def _started(item: Any, ui: str, names: Names) -> RenderableType:
    exam = item.mode == "exam"
    key = "exam.started" if exam else "drill.started"
    lines = [text(t(ui, key, total=item.total, operator=item.operator, lang=names.language(item.lang),
                    pass_mark=item.pass_mark), "bold")]
    if item.skipped_other_lang:
        lines.append(text(t(ui, "lang_skipped", lang=names.language(item.lang), n=item.skipped_other_lang), "yellow"))
    if exam and item.time_limit:
        lines.append(text(t(ui, "exam.time_limit", seconds=number(item.time_limit))))
    lines.append(text(t(ui, "exam.help_line" if exam else "drill.help_line"), "dim"))
    return Group(*lines)


def _shown(item: Any, ui: str, names: Names) -> RenderableType:
    objection = item.objection
    header = t(ui, "shown.header", index=item.index, total=item.total, domain=names.domain(objection.domain),
               difficulty=objection.difficulty)
    if item.time_limit:
        header += " · " + t(ui, "shown.limit", seconds=number(item.time_limit))
    from rich.rule import Rule

    parts: list[RenderableType] = [Rule(safe_text(header), style="dim")]
    if objection.context.get(item.lang):
        parts.append(safe_text(f"{t(ui, 'context')}: {objection.context[item.lang]}", style="dim"))
    parts.append(Panel(safe_text(objection.client[item.lang], style="bold"), title=safe_text(t(ui, "client")),
                       title_align="left", border_style="cyan"))
    return Group(*parts)


def scored(item: Any, ui: str, titled: bool = True) -> RenderableType:
    if not item.show_answer:  # exam: the score and time only, the coaching comes at the end
        line = safe_text(f"{t(ui, 'score')}: {item.score.score - item.late_points}/100 · "
                    f"{t(ui, 'seconds', seconds=number(item.seconds))}")
        if item.late_points:
            line.append(" · " + t(ui, "late", points=item.late_points), style="red")
        return line
    return score_panel(item.score, item.feedback, item.objection, ui, show_answer=item.final, titled=titled)


def summary(item: Any, ui: str, names: Names | None = None) -> RenderableType:
    names = names or Names(None, ui)
    table = new_table(title=t(ui, "summary.title"), show_lines=False)
    table.add_column(t(ui, "objection"), overflow="fold")
    table.add_column(t(ui, "summary.best"), justify="right")
    table.add_column(t(ui, "summary.tries"), justify="right")
    table.add_column(t(ui, "summary.time"), justify="right")
    if item.mode == "drill":
        table.add_column(t(ui, "summary.due"))
    for row in item.rows:
        best = "—" if row.best is None else str(row.best)
        if row.outcome in ("skipped", "answer", "unanswered"):
            best = t(ui, "outcome." + row.outcome)
        cells: list[RenderableType] = [safe_text(names.objection(row.objection.id, item.lang)), safe_text(best),
                                       str(row.tries),
                                       t(ui, "seconds", seconds=number(row.seconds))]
        if item.mode == "drill":
            cells.append(due_text(row.due, ui))
        table.add_row(*cells)
    parts: list[RenderableType] = [table]
    if item.average is not None:
        line = safe_text(t(ui, "summary.average", average=number(item.average)), style="bold")
        if item.previous is not None:
            line.append("; " + t(ui, "summary.previous", previous=number(item.previous),
                                 delta=item.average - item.previous))
        else:
            line.append("; " + t(ui, "summary.first"))
        parts.append(line)
    if item.mode == "exam" and item.passed is not None:
        key = "exam.pass" if item.passed else "exam.fail"
        parts.append(text(t(ui, key, average=number(item.average or 0), pass_mark=item.pass_mark),
                          "bold green" if item.passed else "bold red"))
        if item.practise:
            lines = [text(t(ui, "exam.practise"), "bold")]
            for objection in item.practise:
                lines.append(safe_text(f"• {names.objection(objection.id, item.lang, short=False)}"))
                answers = objection.answers.get(item.lang, ())
                if answers:
                    lines.append(safe_text(f"  {t(ui, 'model_answer')}: {answers[0]}", style="italic"))
            parts.append(Group(*lines))
    if item.missed_steps:
        steps = ", ".join(names.technique(step) for step in item.missed_steps)
        parts.append(text(t(ui, "exam.steps", steps=steps), "yellow"))
    for objection, fails in item.leeches:  # failed again and again: study before practising more
        parts.append(text(t(ui, "summary.leech", client=names.objection(objection.id, item.lang), n=fails,
                            id=objection.id), "bold magenta"))
    if item.interrupted:
        parts.append(text(t(ui, "summary.interrupted"), "yellow"))
    return Group(*spaced(parts))


MENTOR_NOTES = 5  # reviews listed after a summary; `history` has the rest


def mentor_notes(notes: list[dict[str, Any]], more: bool, ui: str, names: Names) -> RenderableType:
    """The mentor's reviews that arrived since the operator's last session: the objection, the score, the note."""
    lines: list[RenderableType] = [text(t(ui, "mentor.notes"), "bold cyan")]
    for note in notes:
        score = "—" if note["score"] is None else f"{note['score']} {names.verdict(note['verdict'])}"
        lines.append(safe_text(f"• {names.objection(note['objection_id'], note['lang'])} ({score}): "
                               f"{mentor_note(note, ui)}"))
    if more:
        lines.append(text(t(ui, "mentor.more"), "dim"))
    return Group(*lines)


def due_text(when: Any, ui: str) -> str:
    if when is None:
        return "—"
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    if when <= now:
        return t(ui, "due.now")
    return str(when.astimezone().strftime("%Y-%m-%d %H:%M"))
