"""How an audit's summary looks in the terminal: one row per operator, then the weakest replies quoted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType

from objcoach.cli.render import new_table, safe_text, text
from objcoach.i18n import t
from objcoach.i18n.names import Names, quoted

if TYPE_CHECKING:
    from objcoach.catalog.model import Catalog


def audit_summary(summary: dict[str, Any], catalog: Catalog, lang: str) -> RenderableType:
    names = Names(catalog, lang)
    parts: list[RenderableType] = [text(t(lang, "audit.totals", dialogues=summary["dialogues"],
                                          objections=summary["objections"]), "bold")]
    if summary["operators"]:
        table = new_table(show_lines=True)
        for key, justify in (("audit.operator", "left"), ("audit.dialogues", "right"),
                             ("audit.objections", "right"), ("audit.average", "right"), ("audit.missed", "left")):
            table.add_column(t(lang, key), justify=justify, overflow="fold")  # type: ignore[arg-type]
        for row in summary["operators"]:
            missed = ", ".join(f"{names.technique(item['technique'])} ({item['times']})" for item in row["missed_most"])
            average = "—" if row["average"] is None else f"{row['average']:.0f}"
            table.add_row(safe_text(row["operator"]), str(row["dialogues"]), str(row["objections"]), average,
                          safe_text(missed or "—"))
        parts.append(table)
        for row in summary["operators"]:
            if row["weakest"]:
                parts.append(text(t(lang, "audit.weakest", operator=row["operator"]), "bold"))
                for item in row["weakest"]:
                    parts.append(safe_text(f"  {item['score']:>3}  {item['objection_id']} · {item['chat_id']}#"
                                           f"{item['turn']}\n       {quoted(item['client'], lang)}\n"
                                           f"       → {quoted(item['reply'], lang)}"))
    if summary.get("saved") is not None:
        parts.append(text(t(lang, "audit.saved", n=summary["saved"])))
    if summary["errors"]:
        parts.append(text(t(lang, "audit.errors", n=summary["errors"]), "red"))
        parts.extend(safe_text(f"  {line}") for line in summary["error_examples"])
    return Group(*parts)
