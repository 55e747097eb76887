"""Rich renderables for objections, scores, feedback and tables. Decides nothing.

All text from catalogs and replies goes through `Text(...)`, never through markup parsing, so a reply
holding "[bold]" or "[link=...]" is shown as written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import IO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from objcoach.calibration import Calibration
from objcoach.coach import Feedback
from objcoach.i18n import t
from objcoach.models import Catalog, Objection, Score, Technique

VERDICT_STYLES = {"excellent": "bold green", "good": "green", "partial": "yellow", "weak": "red", "fail": "bold red"}


def console(stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A console that prints plain text (no colour codes) when not on a terminal or under NO_COLOR."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    plain = not stream.isatty() or "NO_COLOR" in os.environ
    return Console(file=stream, no_color=plain, color_system=None if plain else "auto",
                   highlight=False, emoji=False, markup=False, width=None if not plain else 100)


def text(value: str, style: str = "") -> Text:
    return Text(value, style=style)


def score_panel(score: Score, feedback: Feedback, objection: Objection, catalog: Catalog, lang: str,
                show_answer: bool = True, breakdown: bool = True) -> Panel:
    parts: list[RenderableType] = []
    head = Text()
    head.append(f"{t(lang, 'score')}: {score.score}/100  ", style="bold")
    head.append(t(lang, f"verdict.{score.verdict}"), style=VERDICT_STYLES.get(score.verdict, ""))
    parts.append(head)
    if feedback.praise:
        parts.append(_bullets(t(lang, "good_part"), feedback.praise, "green"))
    elif score.verdict in ("weak", "fail"):
        parts.append(text(t(lang, "nothing_good"), "dim"))
    if feedback.issues:
        parts.append(_bullets(t(lang, "issues"), feedback.issues, "red"))
    if feedback.improvements:
        lines = []
        for item in feedback.improvements:
            line = Text("• ")
            line.append(item.what, style="bold")
            if item.example:
                line.append(f"\n  {t(lang, 'example')}: ")
                line.append(f"«{item.example}»", style="italic")
            lines.append(line)
        parts.append(Group(text(t(lang, "to_add"), "bold yellow"), *lines))
    if feedback.retry_prompt:
        parts.append(text(feedback.retry_prompt, "yellow"))
    if feedback.rephrased:
        parts.append(text(feedback.rephrased, "cyan"))
    if breakdown:
        parts.append(breakdown_line(score, lang))
    if show_answer and score.closest_answer:
        parts.append(Group(text(t(lang, "closest_answer"), "bold"), text(score.closest_answer, "italic")))
    return Panel(Group(*_spaced(parts)), title=Text(objection.id), title_align="left",
                 border_style=VERDICT_STYLES.get(score.verdict, ""))


def breakdown_line(score: Score, lang: str) -> Text:
    line = Text(f"{t(lang, 'breakdown')}: ", style="dim")
    pieces = []
    for name, points in score.components.items():
        label = t(lang, f"component.{name}") if ":" not in name else name
        pieces.append(f"{label} {points:+.0f}" if points < 0 else f"{label} {points:.0f}")
    line.append(", ".join(pieces), style="dim")
    return line


def _bullets(title: str, items: Sequence[str], style: str) -> Group:
    return Group(text(title, f"bold {style}"), *(text(f"• {item}") for item in items))


def _spaced(parts: list[RenderableType]) -> list[RenderableType]:
    spaced: list[RenderableType] = []
    for part in parts:
        if spaced:
            spaced.append(Text(""))
        spaced.append(part)
    return spaced


def objection_table(objections: Sequence[Objection], lang: str) -> Table:
    table = Table(show_lines=False, expand=False)
    for column in ("id", "domain", "difficulty", "client"):
        table.add_column(t(lang, column), overflow="fold")
    for objection in objections:
        words = objection.client.get(lang) or next(iter(objection.client.values()), "")
        table.add_row(Text(objection.id), Text(objection.domain), Text(str(objection.difficulty)), Text(words))
    return table


def objection_detail(objection: Objection, catalog: Catalog, lang: str) -> Panel:
    rows: list[RenderableType] = []
    words = objection.client.get(lang) or next(iter(objection.client.values()), "")
    rows.append(Text(f"«{words}»", style="bold"))
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="dim")
    meta.add_column()
    meta.add_row(t(lang, "context"), Text(objection.context.get(lang, "")))
    meta.add_row(t(lang, "domain"), Text(objection.domain))
    meta.add_row(t(lang, "difficulty"), Text(str(objection.difficulty)))
    meta.add_row(t(lang, "tags"), Text(", ".join(objection.tags)))
    steps = [technique_title(catalog.techniques.get(tid), tid, lang) + (" *" if tid in objection.required else "")
             for tid in objection.checklist]
    meta.add_row(t(lang, "checklist"), Text(" → ".join(steps)))
    meta.add_row(t(lang, "source"), Text(objection.source))
    rows.append(meta)
    if objection.key_points.get(lang):
        rows.append(_bullets(t(lang, "key_points"), [p.replace(" | ", " / ") for p in objection.key_points[lang]],
                             "cyan"))
    if objection.answers.get(lang):
        rows.append(_bullets(t(lang, "answers"), objection.answers[lang], "green"))
    if objection.tips.get(lang):
        rows.append(Group(text(t(lang, "tips"), "bold"), Text(objection.tips[lang])))
    return Panel(Group(*_spaced(rows)), title=Text(objection.id), title_align="left")


def technique_title(technique: Technique | None, tid: str, lang: str) -> str:
    return technique.title.get(lang, tid) if technique else tid


def techniques_table(catalog: Catalog, lang: str) -> Table:
    table = Table(show_lines=True)
    table.add_column(t(lang, "id"))
    table.add_column(t(lang, "technique"))
    table.add_column(t(lang, "why"), overflow="fold")
    table.add_column(t(lang, "examples"), overflow="fold")
    for tid, technique in catalog.techniques.items():
        table.add_row(Text(tid), Text(technique.title.get(lang, tid)), Text(technique.why.get(lang, "")),
                      Text("\n".join(technique.examples.get(lang, ())[:2])))
    return table


def suggestions_table(found: Sequence[tuple[Objection, str, float]], lang: str) -> Table:
    table = Table(show_lines=True)
    table.add_column(t(lang, "similarity"), justify="right")
    table.add_column(t(lang, "objection"), overflow="fold")
    table.add_column(t(lang, "best_answer"), overflow="fold")
    for objection, phrase_lang, similarity in found:
        answers = objection.answers.get(phrase_lang, ())
        table.add_row(f"{similarity:.0f}", Text(f"{objection.id}\n«{objection.client.get(phrase_lang, '')}»"),
                      Text(answers[0] if answers else ""))
    return table


def calibration_report(result: Calibration, lang: str) -> Group:
    ordered, ties, total = result.pairs()
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row(t(lang, "rows"), str(len(result.rows)))
    summary.add_row(t(lang, "spearman"), f"{result.spearman:.3f}")
    share = f"{ordered / total:.1%}" if total else "—"
    summary.add_row(t(lang, "pairs"), f"{share} ({ordered}/{total}, ties {ties})")
    summary.add_row(t(lang, "harmful_ok"), str(len(result.harmful_problems())))
    labels = result.grade_labels()
    confusion = Table(title=t(lang, "confusion"))
    confusion.add_column("verdict \\ grade")
    for label in labels:
        confusion.add_column(label, justify="right")
    for verdict, counts in result.confusion().items():
        confusion.add_row(verdict, *(str(counts.get(label, 0)) for label in labels))
    worst = Table(title=t(lang, "worst"), show_lines=True)
    for column in ("objection", "grade", "score", "reply"):
        worst.add_column(t(lang, column), overflow="fold")
    for _, row in result.worst():
        worst.add_row(Text(row.objection_id), f"{row.grade:g}", f"{row.score} {row.verdict}", Text(row.reply[:200]))
    parts: list[RenderableType] = [summary, confusion, worst]
    if result.errors:
        parts.append(_bullets("errors", result.errors[:20], "red"))
    return Group(*parts)
