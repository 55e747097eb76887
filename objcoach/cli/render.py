"""Rich renderables for objections, scores, feedback and tables (a drill's events: render_session.py).
Decides nothing.

All text from catalogs and replies goes through `safe_text(...)`, never through markup parsing, so a reply
holding "[bold]" or "[link=...]" is shown as written. Control and bidi characters are cleaned by the console
itself (`SafeConsole`), whatever renderable holds them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.panel import Panel
from rich.text import Span, Text

from objcoach.i18n import t
from objcoach.i18n.names import quoted
from objcoach.printable import escapes, printable

if TYPE_CHECKING:  # only for annotations: a score panel should not pay for tables and calibration
    from pathlib import Path

    from rich.segment import Segment
    from rich.table import Table

    from objcoach.catalog.model import Catalog, Objection
    from objcoach.cli.names import Names
    from objcoach.scoring.calibration import Calibration
    from objcoach.scoring.coach import Feedback
    from objcoach.scoring.result import Score


def new_table(**options: Any) -> Table:
    from rich.table import Table

    return Table(**options)


def new_grid(**options: Any) -> Table:
    from rich.table import Table

    return Table.grid(**options)


def safe_text(value: object = "", style: str = "") -> Text:
    """A Rich Text of user or catalog content: never parsed as markup."""
    return Text(str(value), style=style)


class SafeConsole(Console):
    """A console that prints text as characters, never as terminal commands: every Text and string it
    renders, however deep in a panel or table, is cleaned by `printable` before it is laid out (so the
    layout counts the visible \\xNN escapes). Rich's own colour and cursor codes are added after that, to
    the clean text, and stay as they are."""

    boxes = True  # False when the output is not a terminal: tables and panels lose their borders

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        if not self.boxes:
            renderable = _unboxed(renderable)
        if isinstance(renderable, Text):
            renderable = clean_text(renderable)
        return super().render(renderable, options)

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(printable(text), **options)


def clean_text(text: Text) -> Text:
    """`text` with `printable` applied, its styles kept over the same characters (itself when clean)."""
    plain = text.plain
    if printable(plain) == plain:
        return text
    pieces: list[str] = []
    starts: list[int] = []  # where each character of `plain` starts in the cleaned text
    position = 0
    for char in plain:
        starts.append(position)
        piece = escapes(char)
        pieces.append(piece)
        position += len(piece)
    starts.append(position)
    cleaned = text.blank_copy("".join(pieces))
    cleaned.spans = [Span(starts[span.start], starts[min(span.end, len(plain))], span.style) for span in text.spans]
    return cleaned


VERDICT_STYLES = {"excellent": "bold green", "good": "green", "partial": "yellow", "weak": "red", "fail": "bold red"}


def console(stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A console that prints plain text (no colour codes) when not on a terminal or under NO_COLOR."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    plain = not stream.isatty() or "NO_COLOR" in os.environ
    made = SafeConsole(file=stream, no_color=plain, color_system=None if plain else "auto",
                       highlight=False, emoji=False, markup=False, width=None if not plain else 100)
    made.boxes = stream.isatty()  # a pipe or a file gets plain text: no box drawing to strip in a script
    return made


def _unboxed(renderable: RenderableType) -> RenderableType:
    """A table without borders (columns still aligned), a panel as its title above its content."""
    from rich.table import Table

    if isinstance(renderable, Table):
        renderable.box = None
        renderable.show_edge = False
        renderable.padding = (0, 2, 0, 0)
        if renderable.show_lines:
            renderable.show_lines = False
            renderable.padding = (0, 2, 1, 0)  # a blank line between rows instead of a rule
        return renderable
    from rich.rule import Rule

    if isinstance(renderable, Rule):  # a separator line: its title alone
        return renderable.title if isinstance(renderable.title, Text) else Text(str(renderable.title or ""))
    if isinstance(renderable, Panel):
        title = renderable.title
        heading = title if isinstance(title, Text) else Text(str(title or ""))
        heading.stylize("bold")
        return Group(heading, renderable.renderable) if heading.plain else renderable.renderable
    return renderable


def text(value: str, style: str = "") -> Text:
    return safe_text(value, style=style)


def score_panel(score: Score, feedback: Feedback, objection: Objection, lang: str,
                show_answer: bool = True, titled: bool = True) -> Panel:
    """The score and its coaching; titled with the client's words unless they are on the screen just above
    (a roleplay turn)."""
    parts: list[RenderableType] = []
    head = safe_text()
    head.append(f"{t(lang, 'score')}: {score.score}/100  ", style="bold")
    head.append(t(lang, f"verdict.{score.verdict}"), style=VERDICT_STYLES.get(score.verdict, ""))
    parts.append(head)
    if feedback.praise:
        parts.append(bullets(t(lang, "good_part"), feedback.praise, "green"))
    elif score.verdict in ("weak", "fail"):
        parts.append(text(t(lang, "nothing_good"), "dim"))
    if feedback.issues:
        parts.append(bullets(t(lang, "issues"), feedback.issues, "red"))
    if feedback.improvements:
        lines = []
        for item in feedback.improvements:
            line = safe_text("• ")
            line.append(item.what, style="bold")
            if item.example:
                line.append(f"\n  {t(lang, 'example')}: ")
                line.append(quoted(item.example, lang), style="italic")
            lines.append(line)
        parts.append(Group(text(t(lang, "to_add"), "bold yellow"), *lines))
    if feedback.retry_prompt:
        parts.append(text(feedback.retry_prompt, "yellow"))
    if feedback.rephrased:
        parts.append(text(feedback.rephrased, "cyan"))
    parts.append(breakdown_line(feedback, lang))
    if show_answer and score.closest_answer:
        parts.append(Group(text(t(lang, "closest_answer"), "bold"), text(score.closest_answer, "italic")))

    words = objection.client.get(score.lang) or next(iter(objection.client.values()), objection.id)
    return Panel(Group(*spaced(parts)), title=safe_text(quoted(words, lang)) if titled else None, title_align="left",
                 border_style=VERDICT_STYLES.get(score.verdict, ""))


def breakdown_line(feedback: Feedback, lang: str) -> Text:
    line = safe_text(f"{t(lang, 'breakdown')}: ", style="dim")
    pieces = []
    for part in feedback.breakdown:
        shown = f"{part.points:+.0f}" if part.points < 0 else f"{part.points:.0f}"
        if part.maximum is not None:  # «суть ответа 4 из 7»; a learned part against a model answer's
            key = "component.reference" if part.reference else "component.of"
            pieces.append(t(lang, key, label=part.label, points=shown, maximum=f"{part.maximum:.0f}"))
        else:
            pieces.append(f"{part.label} {shown}")
    line.append(", ".join(pieces), style="dim")
    return line


def bullets(title: str, items: Sequence[str], style: str) -> Group:
    return Group(text(title, f"bold {style}"), *(text(f"• {item}") for item in items))


def spaced(parts: list[RenderableType]) -> list[RenderableType]:
    spaced: list[RenderableType] = []
    for part in parts:
        if spaced:
            spaced.append(safe_text(""))
        spaced.append(part)
    return spaced


def objection_table(objections: Sequence[Objection], lang: str) -> Table:
    table = new_table(show_lines=False, expand=False)
    for column in ("id", "domain", "difficulty", "client"):
        table.add_column(t(lang, column), overflow="fold")
    for objection in objections:
        words = objection.client.get(lang) or next(iter(objection.client.values()), "")
        table.add_row(safe_text(objection.id), safe_text(objection.domain), str(objection.difficulty),
                      safe_text(words))
    return table


def objection_detail(objection: Objection, catalog: Catalog, lang: str) -> Panel:
    from objcoach.cli.names import Names

    names = Names(catalog, lang)
    rows: list[RenderableType] = []
    words = objection.client.get(lang) or next(iter(objection.client.values()), "")
    rows.append(safe_text(quoted(words, lang), style="bold"))
    meta = new_grid(padding=(0, 2))
    meta.add_column(style="dim")
    meta.add_column()
    meta.add_row(t(lang, "context"), safe_text(objection.context.get(lang, "")))
    meta.add_row(t(lang, "domain"), safe_text(names.domain(objection.domain)))
    meta.add_row(t(lang, "difficulty"), safe_text(str(objection.difficulty)))
    meta.add_row(t(lang, "tags"), safe_text(", ".join(names.tag(tag) for tag in objection.tags)))
    steps = [names.technique(tid) + (" *" if tid in objection.required else "")
             for tid in objection.checklist]
    meta.add_row(t(lang, "checklist"), safe_text(" → ".join(steps)))
    meta.add_row(t(lang, "source"), safe_text(objection.source))
    rows.append(meta)
    if objection.key_points.get(lang):
        rows.append(bullets(t(lang, "key_points"), [p.replace(" | ", " / ") for p in objection.key_points[lang]],
                             "cyan"))
    if objection.answers.get(lang):
        rows.append(bullets(t(lang, "answers"), objection.answers[lang], "green"))
    if objection.tips.get(lang):
        rows.append(Group(text(t(lang, "tips"), "bold"), safe_text(objection.tips[lang])))
    return Panel(Group(*spaced(rows)), title=safe_text(objection.id), title_align="left")


def techniques_table(catalog: Catalog, lang: str) -> Table:
    table = new_table(show_lines=True)
    table.add_column(t(lang, "id"))
    table.add_column(t(lang, "technique"))
    table.add_column(t(lang, "why"), overflow="fold")
    table.add_column(t(lang, "examples"), overflow="fold")
    for tid, technique in catalog.techniques.items():
        table.add_row(safe_text(tid), safe_text(technique.title.get(lang, tid)), safe_text(technique.why.get(lang, "")),
                      safe_text("\n".join(technique.examples.get(lang, ())[:2])))
    return table


def suggestions_table(found: Sequence[Any], lang: str) -> RenderableType:
    """The objections the client's words may be: the first marked as the match when the lookup is sure of
    it; otherwise a line saying no objection fits well, above the closest ones as "maybe" (or, when there are
    none, that no objection fits)."""
    sure = bool(found) and found[0].confident
    table = new_table(show_lines=True)
    table.add_column(t(lang, "similarity"), justify="right")
    table.add_column(t(lang, "objection"), overflow="fold")
    table.add_column(t(lang, "best_answer"), overflow="fold")
    for place, item in enumerate(found):
        mark = t(lang, "lookup_match") if sure and place == 0 else t(lang, "lookup_maybe")
        table.add_row(f"{item.similarity:.0f}\n{mark}",
                      safe_text(f"{item.objection_id}\n{quoted(item.client, lang)}"), safe_text(item.answer))
    if sure:
        return table
    return Group(Text(t(lang, "lookup_none"), style="yellow"), table) if found else Text(t(lang, "lookup_nothing"))


def calibration_report(result: Calibration, lang: str) -> Group:
    ordered, ties, total = result.pairs()
    summary = new_grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row(t(lang, "rows"), str(len(result.rows)))
    summary.add_row(t(lang, "spearman"), f"{result.spearman:.3f}")
    share = f"{ordered / total:.1%}" if total else "—"
    summary.add_row(t(lang, "pairs"), f"{share} ({ordered}/{total}, ties {ties})")
    summary.add_row(t(lang, "harmful_ok"), str(len(result.harmful_problems())))
    labels = result.grade_labels()
    confusion = new_table(title=t(lang, "confusion"))
    confusion.add_column("verdict \\ grade")
    for label in labels:
        confusion.add_column(label, justify="right")
    for verdict, counts in result.confusion().items():
        confusion.add_row(verdict, *(str(counts.get(label, 0)) for label in labels))
    worst = new_table(title=t(lang, "worst"), show_lines=True)
    for column in ("objection", "grade", "score", "reply"):
        worst.add_column(t(lang, column), overflow="fold")
    for _, row in result.worst():
        worst.add_row(safe_text(row.objection_id), f"{row.grade:g}", f"{row.score} {row.verdict}",
                      safe_text(row.reply[:200]))
    parts: list[RenderableType] = [summary, confusion, worst]
    if result.errors:
        parts.append(bullets("errors", result.errors[:20], "red"))
    return Group(*parts)


def fit_report(before: dict[str, float], after: dict[str, float], lang: str, *, rows: int, reviews: int,
               output: Path, errors: Sequence[str]) -> Group:
    """calibrate --fit: the agreement now and fitted, side by side, then where the model went and how to use it."""
    table = new_table(title=t(lang, "fit.title"))
    table.add_column(t(lang, "fit.measure"))
    table.add_column(t(lang, "fit.before"), justify="right")
    table.add_column(t(lang, "fit.after"), justify="right")
    figures = (("spearman", "spearman", "{:.3f}"), ("pairs", "pairs", "{:.1%}"),
               ("harmful_ok", "harmful_high", "{:g}"), ("fit.strong_low", "strong_below_partial", "{:.1%}"),
               ("fit.median_strong", "median_strong", "{:g}"))
    for label, key, form in figures:
        table.add_row(t(lang, label), form.format(before[key]), form.format(after[key]))
    parts: list[RenderableType] = [
        text(t(lang, "fit.examples", rows=rows, reviews=reviews)), table,
        text(t(lang, "fit.saved", path=output), "bold"), text(t(lang, "fit.use", name=output)),
    ]
    if errors:
        parts.append(bullets("errors", errors[:20], "red"))
    return Group(*parts)


def number(value: float) -> str:
    """A figure with one decimal only when it has one: 70, 72.5."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


# --- stats and history ------------------------------------------------------------------------


def stats(report: dict[str, Any], ui: str, names: Names | None = None) -> RenderableType:
    from objcoach.cli.names import Names
    from objcoach.mentor.reports import sparkline

    names = names or Names(None, ui)
    who = report["operator"] or t(ui, "stats.everyone")
    if not report["attempts"]:  # what falls due, and the leeches, still stand
        return Group(text(t(ui, "stats.none")), *_schedule_parts(report, ui, names))
    grid = new_grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row(t(ui, "stats.attempts"), str(report["attempts"]))
    grid.add_row(t(ui, "stats.sessions"), str(report["sessions"]))
    grid.add_row(t(ui, "stats.streak"), str(report["streak_days"]))
    grid.add_row(t(ui, "stats.average"), "—" if report["average"] is None else number(report["average"]))
    grid.add_row(t(ui, "stats.exams"), f"{report['exams']['passed']} / {report['exams']['taken']}")
    trend = [row["average"] for row in report["trend"]]
    if trend:
        first, last = report["trend"][0]["day"], report["trend"][-1]["day"]
        grid.add_row(t(ui, "stats.trend"), f"{sparkline(trend)}  {first} … {last}")
    mastery = new_table(title=t(ui, "stats.mastery"))
    for column in ("objection", "summary.best", "stats.last", "summary.tries", "summary.due"):
        mastery.add_column(t(ui, column), overflow="fold")
    for row in report["mastery"]:
        name = names.objection(row["objection_id"], row["lang"])
        name = name if report["operator"] else f"{row['operator']}: {name}"
        mastery.add_row(safe_text(name), _cell(row["best"]), _cell(row["last"]),
                        str(row["attempts"]), (row["next_due"] or "—")[:16].replace("T", " "))
    parts: list[RenderableType] = [text(t(ui, "stats.title", who=who), "bold"), grid]
    if report["mastery"]:
        parts.append(mastery)
    calls = report.get("roleplay") or {}
    if calls.get("calls"):
        parts += calls_parts(calls, ui, names)
    if report["missed_steps"]:
        steps = ", ".join(f"{names.technique(row['step'])} ({row['times']})" for row in report["missed_steps"][:5])
        parts.append(text(f"{t(ui, 'stats.steps')}: {steps}", "yellow"))
    parts += _schedule_parts(report, ui, names)
    return Group(*parts)


def calls_parts(calls: dict[str, Any], ui: str, names: Names) -> list[RenderableType]:
    """The roleplay calls: how each scenario's calls ended, and the turns failed most often."""
    table = new_table(title=t(ui, "calls.title"))
    for key in ("calls.scenario", "calls.calls", "calls.resolved", "calls.escalated", "calls.lost",
                "calls.interrupted", "stats.average"):
        table.add_column(t(ui, key), overflow="fold", justify="left" if key == "calls.scenario" else "right")
    for row in calls["scenarios"]:
        table.add_row(safe_text(names.scenario(row["scenario_id"])), str(row["calls"]), str(row["resolved"]),
                      str(row["escalated"]), str(row["lost"]), str(row["interrupted"]),
                      "—" if row["average"] is None else number(row["average"]))
    parts: list[RenderableType] = [table]
    if calls["failed_turns"]:
        lines = [text(t(ui, "calls.turns"), "bold")]
        for row in calls["failed_turns"]:
            lines.append(safe_text("• " + t(ui, "calls.turn_line", scenario=names.scenario(row["scenario_id"]),
                                             client=names.node(row["scenario_id"], row["node_id"]),
                                             failed=row["failed"], tries=row["tries"],
                                             average=_cell(None if row["average"] is None
                                                           else number(row["average"])))))
        parts.append(Group(*lines))
    return parts


def _schedule_parts(report: dict[str, Any], ui: str, names: Names) -> list[RenderableType]:
    """The leeches, the next days' reviews and where the schedule's parameters come from."""
    parts: list[RenderableType] = []
    if report.get("leeches"):
        lines = [text(t(ui, "stats.leeches"), "bold magenta")]
        for row in report["leeches"]:
            name = names.objection(row["objection_id"], row["lang"])
            name = name if report["operator"] else f"{row['operator']}: {name}"
            lines.append(safe_text(f"• {t(ui, 'stats.leech', name=name, n=row['fails'])} "
                                   f"(objcoach show {row['objection_id']})"))
        parts.append(Group(*lines))
    days = report.get("forecast") or []
    if days:
        if any(day["due"] for day in days):
            cells = [f"{t(ui, 'stats.today') if place == 0 else day['day'][8:10] + '.' + day['day'][5:7]} {day['due']}"
                     for place, day in enumerate(days) if day["due"] or place == 0]
            parts.append(text(f"{t(ui, 'stats.forecast', days=len(days))}: {' · '.join(cells)}"))
        else:
            parts.append(text(t(ui, "stats.forecast_none", days=len(days)), "dim"))
    status = report.get("schedule")
    if status:
        if status["parameters"] == "fitted":
            line = t(ui, "stats.schedule.fitted", n=status["fitted_on"], when=str(status["fitted_at"])[:10])
        elif status["install"]:
            line = t(ui, "stats.schedule.install", n=status["reviews"], install=status["install"])
        else:
            line = t(ui, "stats.schedule.default", n=status["reviews"], needed=status["needed"])
        parts.append(text(line, "dim"))
    return parts


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def history(rows: list[dict[str, Any]], ui: str, names: Names | None = None) -> RenderableType:
    from objcoach.cli.names import Names

    names = names or Names(None, ui)
    if not rows:
        return text(t(ui, "history.none"))
    table = new_table(show_lines=True)
    calls = any(row.get("scenario_id") for row in rows)  # a roleplay turn is named by its call and line
    for column in ("history.when", "history.objection_or_call" if calls else "objection", "score", "reply"):
        table.add_column(t(ui, column), overflow="fold")
    for row in rows:
        score = _cell(row["score"]) + (f" {names.verdict(row['verdict'])}" if row["verdict"] else "")
        if row["outcome"] != "scored":
            score = t(ui, "outcome." + row["outcome"])
        if row["disputed"]:
            score += f" · {t(ui, 'history.disputed')}"
        if row.get("review"):
            score += f" · {mentor_note(row, ui)}"
        table.add_row(row["created_at"][:16].replace("T", " "), safe_text(names.attempt(row)),
                      safe_text(score), safe_text(row["reply"]))
    return table


def mentor_note(row: dict[str, Any], ui: str) -> str:
    """A mentor's review of an attempt as its operator reads it: «Наставник: оценка 2 из 3 — «…»»."""

    parts = [] if row["review"] == "commented" else [t(ui, f"review.status.{row['review']}",
                                                        grade=row.get("review_grade"))]
    if row.get("review_comment"):
        parts.append(quoted(row["review_comment"], ui))
    return f"{t(ui, 'review.decision')}: {' — '.join(parts)}"


def entry_preview(entry: dict[str, Any], ui: str) -> RenderableType:
    """The new objection as it will be written, for the mentor to check."""
    import yaml

    dumped = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, width=4096)
    return Panel(safe_text(dumped), title=safe_text(t(ui, "add.preview")), title_align="left", border_style="cyan")


def team_table(rows: list[dict[str, Any]], ui: str, ranked: bool = False) -> RenderableType:
    if not rows:
        return text(t(ui, "stats.none"))
    table = new_table()
    if ranked:
        table.add_column("#", justify="right")
    for key in ("team.operator", "stats.attempts", "team.days", "stats.sessions", "stats.average", "team.last"):
        table.add_column(t(ui, key))
    for row in rows:
        cells: list[RenderableType] = [safe_text(row["operator"]), str(row["attempts"]), str(row["days"]),
                                       str(row["sessions"]), _cell(None if row["average"] is None
                                                                   else round(row["average"], 1)),
                                       str(row["last_seen"] or "—")[:16].replace("T", " ")]
        table.add_row(*([str(row["rank"])] if ranked else []), *cells)
    return table


def assignments_table(rows: list[dict[str, Any]], ui: str, names: Names | None = None) -> RenderableType:
    """Each assignment: an objection by the client's words, a scenario by its title (best: its best call's
    average, tries: its calls)."""
    from objcoach.cli.names import Names

    names = names or Names(None, ui)
    if not rows:
        return text(t(ui, "assign.none"))
    table = new_table()
    for key in ("team.operator", "assign.item", "assign.due", "summary.best", "summary.tries", "assign.status"):
        table.add_column(t(ui, key))
    for row in rows:
        item = names.assigned(row["objection_id"])
        table.add_row(safe_text(row["operator"]), safe_text(item), row["due"],
                      _cell(None if row["best"] is None else number(row["best"])),
                      str(row["attempts"]), t(ui, f"assign.{row['status']}"))
    return table
