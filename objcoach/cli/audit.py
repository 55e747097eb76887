"""`objcoach audit`: real chats in, a review of how their objections were handled out."""

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from objcoach.cli.common import (
    CatalogOpt,
    Commands,
    DbOpt,
    JobsOpt,
    JsonOpt,
    RowFormat,
    UiLangOpt,
    chosen,
    jobs_for,
    print_json,
)
from objcoach.errors import InputError

commands = Commands()



@commands.command("audit")
def audit_command(
    chats: Annotated[str | None, typer.Argument(help="Dialogues: JSONL, one a line ({chat_id, operator, "
                                                "started_at, turns: [{role, text}]}), or CSV, one turn a row "
                                                "(chat_id, operator, role, text); '-' for stdin.",
                                                show_default=False)] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Audit the sample of dialogues that comes with "
                                         "objcoach (to try it out).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write one row per objection found here (its "
                                                "score as `score --json` gives it).", show_default=False)] = None,
    fmt: Annotated[RowFormat, typer.Option("--format", "-f", help="Format of --output.")] = RowFormat.jsonl,
    report: Annotated[Path | None, typer.Option("--report", help="Also write the summary as an HTML report.",
                                                show_default=False)] = None,
    save: Annotated[bool, typer.Option("--save", help="Keep the scored replies in the history as attempts of "
                                       "kind 'audit' (stats, report and the drill's schedule see them).")] = False,
    jobs: JobsOpt = None,
    language: UiLangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Find the scripted objections in real chats and score how the operator answered each.

    Each client turn that is confidently a catalog objection is scored against it with the operator's next
    turn. Prints a summary per operator: objections met, average score, steps missed most, weakest replies.

    Examples:

      objcoach audit --sample

      objcoach audit chats.jsonl

      objcoach audit chats.csv --output findings.csv --format csv --report audit.html

      objcoach audit chats.jsonl --save
    """
    from objcoach.catalog.load import bundled_catalog_path, load_catalog
    from objcoach.cli.progress import counted
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language
    from objcoach.io import atomic_write, open_input, write_csv, write_jsonl
    from objcoach.mentor.audit import OUTPUT_FIELDS, Audit, read_dialogues
    from objcoach.parallel import is_large

    ui = ui_language(chosen(language))
    if sample == (chats is not None):
        raise InputError(said="audit_what")
    source = str(bundled_catalog_path().parent / "sample_chats.jsonl") if chats is None else chats
    loaded = load_catalog(catalog)
    stream, name = open_input(source)
    audit = Audit(loaded)
    saver = _Saver(db, loaded) if save else None
    with stream, atomic_write(output) if output else nullcontext() as out:
        dialogues = counted(read_dialogues(stream, name), sys.stderr.isatty(), t(ui, "progress.dialogues"))
        rows: Any = audit.run(dialogues, jobs_for(jobs), catalog, is_large(source))
        if out is not None:
            rows = write_csv(rows, out, OUTPUT_FIELDS) if fmt is RowFormat.csv else write_jsonl(rows, out)
        try:
            for row in rows:
                if saver:
                    saver.add(row)
        finally:
            if saver:
                saver.close()
    summary = audit.summary()
    if saver:
        summary["saved"] = saver.saved
    if report:
        from objcoach.mentor.audit_html import audit_html

        with atomic_write(report) as out_html:
            out_html.write(audit_html(summary, loaded, ui))
    if as_json:
        print_json(summary)
    else:
        from objcoach.cli.render import console
        from objcoach.cli.render_audit import audit_summary

        console().print(audit_summary(summary, loaded, ui))
    if summary["errors"]:
        raise typer.Exit(1)


class _Saver:
    """Keeps each finding as an attempt of kind 'audit' (one session per dialogue), through the path `import`
    takes, so on a team's PostgreSQL database a mentor may save their team's chats; and reschedules the
    objection for that operator as a drill would: a reply handled badly in a real chat comes back sooner.
    Ids come from the chat and turn, so auditing the same chats twice saves nothing twice."""

    def __init__(self, db: str | None, catalog: Any) -> None:
        from objcoach.paths import db_path
        from objcoach.store.history import Store

        self.store = Store(db_path(db))
        if self.store.kind == "postgresql":
            from objcoach.store.roles import may_import

            try:
                may_import(self.store, "audit --save")  # the database would refuse it too; this says why
            except BaseException:
                self.store.close()
                raise
        self.catalog = catalog
        self.saved = 0

    def add(self, row: dict[str, Any]) -> None:
        from objcoach.practice.schedule import rating_for, review, utcnow
        from objcoach.scoring.versions import entry_version, grader_version
        from objcoach.store.base import now_iso

        when = _when(row.get("started_at")) or now_iso()
        objection = self.catalog.get(row["objection_id"])
        added = self.store.import_row({
            "id": _key("audit", row["chat_id"], row["turn"], row["operator"]),
            "session_id": _key("audit-session", row["chat_id"], row["operator"]),
            "operator": row["operator"], "objection_id": row["objection_id"], "lang": row["lang"], "mode": "audit",
            "created_at": when, "try_no": 1, "reply": row["reply"], "score": row["score"],
            "verdict": row["verdict"], "breakdown": row["components"], "missed": list(row["techniques"]["missed"]),
            "session_mode": "audit", "session_started_at": when, "session_ended_at": when,
            "grader_version": grader_version(self.catalog),
            "entry_version": entry_version(self.catalog, objection) if objection else None})
        if not added:
            return
        rating, reviewed = rating_for(row["score"]), utcnow()  # into the review log, as a drill's review
        card, due = review(self.store.card(row["operator"], row["objection_id"], row["lang"]), rating, reviewed)
        self.store.save_card(row["operator"], row["objection_id"], row["lang"], card, due, row["score"], rating,
                             now_iso(reviewed))
        self.saved += 1

    def close(self) -> None:
        self.store.close()


def _key(*parts: object) -> str:
    import hashlib

    return hashlib.sha256("\0".join(map(str, parts)).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _when(value: Any) -> str | None:
    """A dialogue's started_at as a stored time (UTC ISO), or None when it is not a date."""
    from datetime import datetime, timezone

    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    from objcoach.store.base import now_iso

    return now_iso(moment)
