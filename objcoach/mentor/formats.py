"""Reports as Markdown, one self-contained HTML file, spreadsheet-safe CSV, or JSON. Pure: text in,
text out. Every piece of user text is escaped for its format, and made printable (objcoach/printable.py):
a report may go to stdout, and a terminal must not take its text for commands."""

from __future__ import annotations

import html
import io
import json
from typing import Any

from objcoach.i18n import t
from objcoach.i18n.names import Names, quoted
from objcoach.io import write_csv
from objcoach.printable import json_printable, printable


def to_json(reports: list[dict[str, Any]]) -> str:
    return json_printable(json.dumps({"reports": reports}, ensure_ascii=False, indent=2)) + "\n"


CSV_COLUMNS = ("operator", "objection_id", "lang", "best", "last", "attempts", "next_due", "operator_attempts",
               "operator_average", "operator_streak_days",
               # roleplay: a row per scenario (calls and how they ended) and per turn failed most often
               # (node_id; attempts: its tries, failed: those that fell short)
               "scenario_id", "node_id", "calls", "resolved", "escalated", "lost", "interrupted", "failed", "average")


def to_csv(reports: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    rows = []
    for report in reports:
        figures = report["figures"]
        per_operator = {"operator": report["operator"], "operator_attempts": figures["attempts"],
                        "operator_average": figures["average"], "operator_streak_days": figures["streak_days"]}
        calls = figures.get("roleplay") or {"scenarios": [], "failed_turns": []}
        for row in [*figures["mastery"], *calls["scenarios"],
                    *({**turn, "attempts": turn["tries"]} for turn in calls["failed_turns"])]:
            rows.append({key: printable(value) if isinstance(value, str) else value for key, value in
                         {**row, **per_operator}.items()})
    for _ in write_csv(rows, out, CSV_COLUMNS):
        pass
    return out.getvalue()


def named(names: Names, row: dict[str, Any]) -> tuple[str, str | None]:
    """An objection as its reader sees it: the client's words, and its id beside them (a mentor types it in a
    command); the id alone when the catalog has no words for it."""
    if row.get("scenario_id") and row.get("node_id"):  # a roleplay turn: the call, the client's line there
        return names.attempt(row), row["scenario_id"]
    words = names.objection(row["objection_id"], row["lang"])
    return (words, row["objection_id"]) if words != row["objection_id"] else (words, None)


def calls_summary(calls: dict[str, Any], ui: str) -> str:
    return t(ui, "calls.summary", **{key: calls[key] for key in ("calls", "resolved", "escalated", "lost",
                                                                  "interrupted")}, average=_num(calls["average"]))


def turn_line(names: Names, row: dict[str, Any], ui: str) -> str:
    return t(ui, "calls.turn_line", scenario=names.scenario(row["scenario_id"]),
             client=names.node(row["scenario_id"], row["node_id"]), failed=row["failed"], tries=row["tries"],
             average=_num(row["average"]))


CALL_COLUMNS = ("calls.scenario", "calls.calls", "calls.resolved", "calls.escalated", "calls.lost",
                "calls.interrupted", "stats.average")
ENDINGS = ("resolved", "escalated", "lost", "interrupted")


def to_markdown(reports: list[dict[str, Any]], ui: str, names: Names | None = None) -> str:
    names = names or Names(None, ui)

    def objection(row: dict[str, Any]) -> str:
        words, objection_id = named(names, row)
        return _md(words) + (f" ({_md(objection_id)})" if objection_id else "") + f" [{_md(row['lang'])}]"

    lines = [f"# {t(ui, 'report.title')}", ""]
    for report in reports:
        figures = report["figures"]
        lines += [f"## {_md(t(ui, 'report.operator', operator=report['operator']))}", "",
                  _md(_period(report, ui)), "", f"### {t(ui, 'report.figures')}", ""]
        lines += [
            f"| {t(ui, 'stats.attempts')} | {t(ui, 'stats.sessions')} | {t(ui, 'stats.average')} | "
            f"{t(ui, 'stats.streak')} | {t(ui, 'stats.exams')} |",
            "|---|---|---|---|---|",
            f"| {figures['attempts']} | {figures['sessions']} | {_num(figures['average'])} | "
            f"{figures['streak_days']} | {figures['exams']['passed']} / {figures['exams']['taken']} |", "",
        ]
        if figures["trend"]:
            from objcoach.mentor.reports import sparkline

            lines += [f"{t(ui, 'report.trend')}: `{sparkline([d['average'] for d in figures['trend']])}` "
                      f"({_md(figures['trend'][0]['day'])} … {_md(figures['trend'][-1]['day'])})", ""]
        if figures["mastery"]:
            lines += [f"| {t(ui, 'objection')} | {t(ui, 'summary.best')} | {t(ui, 'stats.last')} | "
                      f"{t(ui, 'summary.tries')} | {t(ui, 'summary.due')} |", "|---|---|---|---|---|"]
            for row in figures["mastery"]:
                lines.append(f"| {objection(row)} | {_num(row['best'])} | "
                             f"{_num(row['last'])} | {row['attempts']} | {_md((row['next_due'] or '—')[:10])} |")
            lines.append("")
        calls = figures.get("roleplay") or {}
        if calls.get("calls"):
            lines += [f"### {t(ui, 'calls.title')}", "", _md(calls_summary(calls, ui)), "",
                      "| " + " | ".join(t(ui, key) for key in CALL_COLUMNS) + " |", "|---" * len(CALL_COLUMNS) + "|"]
            for row in calls["scenarios"]:
                scenario = names.scenario(row["scenario_id"])
                shown = _md(scenario) + (f" ({_md(row['scenario_id'])})" if scenario != row["scenario_id"] else "")
                lines.append(f"| {shown} | " + " | ".join(str(row[key]) for key in ("calls", *ENDINGS)) +
                             f" | {_num(row['average'])} |")
            lines.append("")
            if calls["failed_turns"]:
                lines += [f"**{t(ui, 'calls.turns')}**", ""]
                lines += [f"- {_md(turn_line(names, row, ui))}" for row in calls["failed_turns"]]
                lines.append("")
        if figures.get("weakest_replies"):
            lines += [f"**{t(ui, 'report.weakest')}**", ""]
            lines += [f"- {objection(row)}, {row['score']}{_verdict(names, row)}: {_md(quoted(row['reply'], ui))}"
                      for row in figures["weakest_replies"]]
            lines.append("")
        lines += [f"### {t(ui, 'report.feedback')}", ""]
        for part in ("observation", "impact", "correction", "agreement"):
            items = report["feedback"][part]
            if not items:
                continue
            lines += [f"**{t(ui, 'report.' + part)}**", ""]
            lines += [f"- {_md(item)}" for item in items]
            lines.append("")
    return "\n".join(lines)


# every character str.splitlines() breaks a line at: none may end a Markdown line or table cell early
_ONE_LINE = str.maketrans(dict.fromkeys("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))


def _md(text: object) -> str:
    """Markdown-inert text on one line: table pipes, emphasis, links and HTML are shown as written."""
    out = html.escape(printable(str(text).translate(_ONE_LINE)), quote=False)
    for ch in "\\`*_[]|<>#":
        out = out.replace(ch, "\\" + ch)
    return out


def _verdict(names: Names, row: dict[str, Any]) -> str:
    return f" ({names.verdict(row['verdict'])})" if row.get("verdict") else ""


def _period(report: dict[str, Any], ui: str) -> str:
    since = report["period"]["since"]
    return t(ui, "report.period", since=since[:10] if since else t(ui, "report.all_time"),
             until=report["period"]["until"][:10])


def _num(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def esc(text: str) -> str:
    """Text for an HTML page: escaped, and only printable characters (the audit's page uses it too)."""
    return html.escape(printable(text))


def to_html(reports: list[dict[str, Any]], ui: str, names: Names | None = None) -> str:
    names = names or Names(None, ui)

    def objection(row: dict[str, Any]) -> str:
        words, objection_id = named(names, row)
        return esc(words) + (f" <small class=\"muted\">({esc(objection_id)})</small>" if objection_id else "") + \
            f" [{esc(row['lang'])}]"

    parts = [f"<!doctype html><html lang=\"{esc(ui)}\"><head><meta charset=\"utf-8\">"
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<title>{esc(t(ui, 'report.title'))}</title><style>{_CSS}</style></head><body>",
             f"<h1>{esc(t(ui, 'report.title'))}</h1>"]
    for report in reports:
        figures = report["figures"]
        parts.append(f"<section><h2>{esc(t(ui, 'report.operator', operator=report['operator']))}</h2>"
                     f"<p class=\"muted\">{esc(_period(report, ui))}</p>")
        parts.append("<div class=\"cards\">")
        for label, value in ((t(ui, "stats.attempts"), figures["attempts"]),
                             (t(ui, "stats.sessions"), figures["sessions"]),
                             (t(ui, "stats.average"), _num(figures["average"])),
                             (t(ui, "stats.streak"), figures["streak_days"]),
                             (t(ui, "stats.exams"), f"{figures['exams']['passed']} / {figures['exams']['taken']}")):
            parts.append(f"<div class=\"card\"><div class=\"value\">{esc(str(value))}</div>"
                         f"<div class=\"label\">{esc(label)}</div></div>")
        parts.append("</div>")
        if figures["trend"]:
            parts.append(f"<h3>{esc(t(ui, 'report.chart'))}</h3>{_svg_chart(figures['trend'], ui)}")
            parts.append(f"<h3>{esc(t(ui, 'report.heatmap'))}</h3>{_svg_heatmap(figures['trend'], ui)}")
        if figures["mastery"]:
            parts.append("<table><thead><tr>" + "".join(
                f"<th>{esc(t(ui, key))}</th>" for key in ("objection", "summary.best", "stats.last", "summary.tries",
                                                          "summary.due")) + "</tr></thead><tbody>")
            for row in figures["mastery"]:
                parts.append(f"<tr><td>{objection(row)}</td>"
                             f"<td>{esc(_num(row['best']))}</td><td>{esc(_num(row['last']))}</td>"
                             f"<td>{esc(str(row['attempts']))}</td><td>{esc((row['next_due'] or '—')[:10])}</td></tr>")
            parts.append("</tbody></table>")
        calls = figures.get("roleplay") or {}
        if calls.get("calls"):
            parts.append(_html_calls(calls, ui, names))
        if figures.get("weakest_replies"):
            parts.append(f"<h4>{esc(t(ui, 'report.weakest'))}</h4><ul>" + "".join(
                f"<li><b>{objection(row)}</b>, {esc(str(row['score']))}{esc(_verdict(names, row))}: "
                f"<q>{esc(row['reply'])}</q></li>" for row in figures["weakest_replies"]) + "</ul>")
        parts.append(f"<h3>{esc(t(ui, 'report.feedback'))}</h3>")
        for part in ("observation", "impact", "correction", "agreement"):
            items = report["feedback"][part]
            if items:
                parts.append(f"<h4>{esc(t(ui, 'report.' + part))}</h4><ul>"
                             + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "".join(parts)


def _html_calls(calls: dict[str, Any], ui: str, names: Names) -> str:
    """The roleplay calls: a summary, a table of scenarios with a bar of how their calls ended, the turns
    failed most often."""
    legend = "".join(f"<span class=\"key\"><i class=\"{end}\"></i>{esc(t(ui, 'calls.' + end))}</span>"
                     for end in ENDINGS)
    parts = [f"<h3>{esc(t(ui, 'calls.title'))}</h3><p>{esc(calls_summary(calls, ui))}</p>",
             "<table class=\"calls\"><thead><tr>" + "".join(
                 f"<th class=\"{'' if key == 'calls.scenario' else 'n'}\">{esc(t(ui, key))}</th>"
                 for key in CALL_COLUMNS) + "</tr></thead><tbody>"]
    for row in calls["scenarios"]:
        scenario = names.scenario(row["scenario_id"])
        shown = esc(scenario) + (f" <small class=\"muted\">({esc(row['scenario_id'])})</small>"
                                 if scenario != row["scenario_id"] else "")
        bar = "".join(f"<i class=\"{end}\" style=\"flex-grow:{row[end]}\" title=\"{esc(t(ui, 'calls.' + end))}: "
                      f"{row[end]}\"></i>" for end in ENDINGS if row[end])
        parts.append(f"<tr><td>{shown}<div class=\"bar\">{bar}</div></td>" + "".join(
            f"<td class=\"n\">{row[key]}</td>" for key in ("calls", *ENDINGS)) +
            f"<td class=\"n\">{esc(_num(row['average']))}</td></tr>")
    parts.append(f"</tbody></table><p class=\"legend\">{legend}</p>")
    if calls["failed_turns"]:
        parts.append(f"<h4>{esc(t(ui, 'calls.turns'))}</h4><ul>" + "".join(
            f"<li>{esc(turn_line(names, row, ui))}</li>" for row in calls["failed_turns"]) + "</ul>")
    return "".join(parts)


def _svg_chart(trend: list[dict[str, Any]], ui: str) -> str:
    """An inline SVG line chart of the daily average (0–100), readable offline."""
    width, height, pad = 640, 220, 36
    points = [(i, row["average"]) for i, row in enumerate(trend) if row["average"] is not None]
    n = max(len(trend) - 1, 1)

    def x(i: float) -> float:
        return pad + (width - 2 * pad) * (i / n if len(trend) > 1 else 0.5)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * (v / 100)

    grid = "".join(f"<line x1=\"{pad}\" y1=\"{y(v):.1f}\" x2=\"{width - pad}\" y2=\"{y(v):.1f}\" class=\"grid\"/>"
                   f"<text x=\"{pad - 6}\" y=\"{y(v) + 4:.1f}\" class=\"axis\" text-anchor=\"end\">{v}</text>"
                   for v in (0, 25, 50, 75, 100))
    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in points)
    dots = "".join(f"<circle cx=\"{x(i):.1f}\" cy=\"{y(v):.1f}\" r=\"4\"><title>{html.escape(trend[i]['day'])}: "
                   f"{v:.0f}</title></circle>" for i, v in points)
    labels = ""
    for i in sorted({0, len(trend) - 1}):
        labels += (f"<text x=\"{x(i):.1f}\" y=\"{height - 10}\" class=\"axis\" text-anchor=\"middle\">"
                   f"{html.escape(trend[i]['day'])}</text>")
    title = html.escape(t(ui, "report.chart"))
    return (f"<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" "
            f"aria-label=\"{title}\">{grid}<polyline points=\"{line}\" class=\"line\"/>{dots}{labels}</svg>")


HEATMAP_WEEKS = 53  # a year of practice days at most, the latest
HEATMAP_COLOURS = ("#eef1f5", "#c6dbf7", "#8db5ef", "#4f86e0", "#2f5fb3")  # none, then four levels of attempts


def _svg_heatmap(trend: list[dict[str, Any]], ui: str) -> str:
    """An inline SVG calendar of practice days, a column per week (Monday at the top), each day shaded by its
    attempts relative to the busiest day, with the count in its tooltip; readable offline."""
    from datetime import date, timedelta

    counts = {row["day"]: int(row["attempts"]) for row in trend}
    last = date.fromisoformat(max(counts))
    first = max(date.fromisoformat(min(counts)), last - timedelta(weeks=HEATMAP_WEEKS) + timedelta(days=1))
    start = first - timedelta(days=first.weekday())
    peak = max(counts.values()) or 1
    cell, step, left, top = 12, 14, 4, 16
    weeks = (last - start).days // 7 + 1
    shapes: list[str] = []
    labelled = -4  # the column of the last month's label: one is about three columns wide
    day = first
    while day <= last:
        n = counts.get(day.isoformat(), 0)
        level = 0 if n <= 0 else 1 + min(3, (4 * n - 1) // peak)  # the busiest day the darkest
        column = (day - start).days // 7
        if (day.day == 1 or (day == first and day.day <= 7)) and column - labelled >= 4:  # a month over its start
            labelled = column
            shapes.append(f"<text x=\"{left + column * step}\" y=\"11\" class=\"axis\">{day.isoformat()[:7]}</text>")
        tip = esc(t(ui, "report.heatmap.day", day=day.isoformat(), n=n))
        shapes.append(f"<rect x=\"{left + column * step}\" y=\"{top + day.weekday() * step}\" width=\"{cell}\" "
                      f"height=\"{cell}\" rx=\"2\" fill=\"{HEATMAP_COLOURS[level]}\"><title>{tip}</title></rect>")
        day += timedelta(days=1)
    width, height = left * 2 + weeks * step + 40, top + 7 * step
    title = html.escape(t(ui, "report.heatmap"))
    return (f"<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" "
            f"aria-label=\"{title}\" class=\"heatmap\">{''.join(shapes)}</svg>")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:760px;color:#1d2430;
line-height:1.45;padding:0 1rem}h1{font-size:1.6rem}h2{border-bottom:2px solid #e3e8ef;padding-bottom:.3rem}
.muted{color:#667085}.cards{display:flex;gap:.75rem;flex-wrap:wrap}.card{background:#f4f6fa;border-radius:8px;
padding:.6rem .9rem;min-width:110px}.value{font-size:1.4rem;font-weight:600}.label{font-size:.8rem;color:#667085}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #e3e8ef;padding:.35rem .5rem;
text-align:left}svg .grid{stroke:#e3e8ef}svg .axis{font-size:11px;fill:#667085}svg .line{fill:none;stroke:#2f6fde;
stroke-width:2.5}svg circle{fill:#2f6fde}h4{margin-bottom:.2rem}
td.n,th.n{text-align:right;width:1%}td.n{white-space:nowrap}table.calls small{white-space:nowrap}
.bar{display:flex;height:6px;border-radius:3px;overflow:hidden;
margin-top:.3rem;max-width:320px}.bar i,.key i{display:inline-block}.key i{width:.8em;height:.8em;border-radius:2px;
margin-right:.3em;vertical-align:-.05em}.legend{font-size:.8rem;color:#667085;margin-top:-.6rem}.key{margin-right:1em}
i.resolved{background:#3a9a5b}i.escalated{background:#e0a030}i.lost{background:#d0504a}i.interrupted{background:#b8c0cc}
"""
