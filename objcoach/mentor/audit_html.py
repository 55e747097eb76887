"""An audit's summary as one self-contained HTML file, styled like `report`'s."""

from __future__ import annotations

from typing import Any

from objcoach.catalog.model import Catalog
from objcoach.i18n import t
from objcoach.i18n.names import Names
from objcoach.mentor.formats import _CSS, esc


def audit_html(summary: dict[str, Any], catalog: Catalog, ui: str) -> str:
    names = Names(catalog, ui)
    title = t(ui, "audit.title")
    parts = [f"<!doctype html><html lang=\"{esc(ui)}\"><head><meta charset=\"utf-8\">"
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{esc(title)}</h1>"]
    totals = t(ui, "audit.totals", dialogues=summary["dialogues"], objections=summary["objections"])
    parts.append(f"<p class=\"muted\">{esc(totals)}</p>")
    for row in summary["operators"]:
        heading = t(ui, "report.operator", operator=row["operator"])
        parts.append(f"<section><h2>{esc(heading)}</h2><div class=\"cards\">")
        average = "—" if row["average"] is None else f"{row['average']:.0f}"
        for label, value in ((t(ui, "audit.dialogues"), row["dialogues"]),
                             (t(ui, "audit.objections"), row["objections"]), (t(ui, "audit.average"), average)):
            parts.append(f"<div class=\"card\"><div class=\"value\">{esc(str(value))}</div>"
                         f"<div class=\"label\">{esc(label)}</div></div>")
        parts.append("</div>")
        if row["missed_most"]:
            parts.append(f"<h3>{esc(t(ui, 'audit.missed'))}</h3><ul>")
            for item in row["missed_most"]:
                parts.append(f"<li>{esc(names.technique(item['technique']))} ({item['times']})</li>")
            parts.append("</ul>")
        if row["weakest"]:
            parts.append(f"<h3>{esc(t(ui, 'audit.weakest', operator=row['operator']))}</h3><ul>")
            for item in row["weakest"]:
                parts.append(f"<li><b>{esc(names.objection(item['objection_id']))}</b> "
                             f"<small class=\"muted\">({esc(item['objection_id'])})</small>, {esc(str(item['score']))} "
                             f"<span class=\"muted\">({esc(str(item['chat_id']))}#{item['turn']})</span><br>"
                             f"<q>{esc(item['client'])}</q><br>→ <q>{esc(item['reply'])}</q></li>")
            parts.append("</ul>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "".join(parts)
