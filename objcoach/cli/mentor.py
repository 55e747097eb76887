"""Mentor commands: new-catalog, add, review, report, export, import, assign, assignments, db."""

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from objcoach.cli.app import (
    AtomicOutput,
    CatalogOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    OperatorOpt,
    SinceOpt,
    _check_lang,
    _print_json,
    command,
    group,
)
from objcoach.errors import InputError

db_app = typer.Typer(help="Set up and manage a team's PostgreSQL database.", no_args_is_help=True,
                     rich_markup_mode=None)
group("db", db_app)


def _ui(lang: str | None) -> str:
    from objcoach.i18n import ui_language
    from objcoach.paths import read_config

    return ui_language(_check_lang(lang), read_config().get("lang"))


@command("new-catalog")
def new_catalog_command(
    path: Annotated[Path, typer.Argument(help="Where to write the starter catalog (must not exist).")],
) -> None:
    """Write a commented starter catalog for a team, using the bundled techniques.

    Example:

      objcoach new-catalog team.yaml && objcoach validate team.yaml
    """
    from objcoach.catalog.edit import starter_catalog, write_atomically
    from objcoach.catalog.load import load_catalog

    if path.exists():
        raise InputError(f"{path}: already exists; choose another name")
    if not path.resolve().parent.is_dir():
        raise InputError(f"{path}: folder {path.resolve().parent} does not exist")
    techniques = list(load_catalog().techniques)
    write_atomically(path, starter_catalog(path.name, techniques))
    from objcoach.i18n import t

    typer.echo(t(_ui(None), "new_catalog.written", path=path))


@command("add")
def add_command(
    to: Annotated[Path | None, typer.Option("--to", help="The catalog file to add to (created when missing; "
                                            "default: the first OBJCOACH_CATALOG file).", show_default=False)] = None,
    from_file: Annotated[Path | None, typer.Option("--from", help="Read the entry from this YAML file "
                                                   "(one objection mapping).", show_default=False)] = None,
    objection_id: Annotated[str | None, typer.Option("--id", help="The new id (default: from the client's words).",
                                                     show_default=False)] = None,
    client_ru: Annotated[str | None, typer.Option(help="The client's words in Russian.", show_default=False)] = None,
    client_en: Annotated[str | None, typer.Option(help="The client's words in English.", show_default=False)] = None,
    context_ru: Annotated[str | None, typer.Option(show_default=False)] = None,
    context_en: Annotated[str | None, typer.Option(show_default=False)] = None,
    domain: Annotated[str | None, typer.Option(show_default=False)] = None,
    tag: Annotated[list[str] | None, typer.Option(help="A tag (repeatable).", show_default=False)] = None,
    difficulty: Annotated[int | None, typer.Option(min=1, max=3, show_default=False)] = None,
    checklist: Annotated[str | None, typer.Option(help="Technique ids, comma-separated.", show_default=False)] = None,
    required: Annotated[str | None, typer.Option(help="Required technique ids, comma-separated.",
                                                 show_default=False)] = None,
    answer_ru: Annotated[list[str] | None, typer.Option(help="A model answer in Russian (repeatable).",
                                                        show_default=False)] = None,
    answer_en: Annotated[list[str] | None, typer.Option(help="A model answer in English (repeatable).",
                                                        show_default=False)] = None,
    key_point_ru: Annotated[list[str] | None, typer.Option(help="A key point in Russian; alternatives "
                                                           "separated by ' | ' (repeatable).",
                                                           show_default=False)] = None,
    key_point_en: Annotated[list[str] | None, typer.Option(show_default=False)] = None,
    tips_ru: Annotated[str | None, typer.Option(show_default=False)] = None,
    tips_en: Annotated[str | None, typer.Option(show_default=False)] = None,
    source: Annotated[str | None, typer.Option(show_default=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Write without asking for confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and preview only.")] = False,
    lang: LangOpt = None,
    catalog: CatalogOpt = None,
) -> None:
    """Add a new objection to a catalog: a wizard asks for whatever the options don't give.

    The entry is validated and self-tested before anything is written; the catalog file keeps every
    byte it had (comments and order included) and gets the new entry at the end of its objections.

    Examples:

      objcoach add --to team.yaml

      objcoach add --to team.yaml --from entry.yaml --yes
    """
    from objcoach.catalog.load import CATALOG_ENV, load_catalog
    from objcoach.mentor.authoring import add_objection
    from objcoach.mentor.wizard import entry_from_file, run_wizard

    ui = _ui(lang)
    target = to or _default_target()
    if target is None:
        raise InputError(f"give the catalog file to add to with --to PATH (or set {CATALOG_ENV})")
    loaded = load_catalog([*(catalog or []), *([target] if target.exists() else [])])
    given: dict[str, Any] = entry_from_file(from_file) if from_file else {}
    given = _merge_flags(given, objection_id=objection_id, client_ru=client_ru, client_en=client_en,
                         context_ru=context_ru, context_en=context_en, domain=domain, tags=tag,
                         difficulty=difficulty, checklist=checklist, required=required, answer_ru=answer_ru,
                         answer_en=answer_en, key_point_ru=key_point_ru, key_point_en=key_point_en,
                         tips_ru=tips_ru, tips_en=tips_en, source=source)
    from objcoach.cli.terminal import Terminal

    terminal = Terminal(ui)
    entry = run_wizard(given, loaded, ui, terminal.ask_text, terminal.say,
                       complete=bool(from_file) or _complete(given))
    if loaded.get(str(entry["id"])) is not None:
        raise InputError(f"objection id {entry['id']!r} already exists; choose another with --id")
    _, problems = add_objection(target, entry, catalog, dry_run=True)
    from objcoach.cli.render import console, entry_preview
    from objcoach.i18n import t

    out = console()
    out.print(entry_preview(entry, ui))
    if problems:
        for line in problems:
            sys.stderr.write(f"objcoach: {line}\n")
        sys.stderr.write(f"objcoach: {t(ui, 'add.refused')}\n")
        raise typer.Exit(1)
    if dry_run:
        return
    if not yes:
        answer = terminal.ask_text(t(ui, "add.confirm", path=target), "")
        if (answer or "").strip().lower() not in ("y", "yes", "д", "да"):
            out.print(t(ui, "add.cancelled"))
            raise typer.Exit(1)
    _, problems = add_objection(target, entry, catalog)
    if problems:  # the file changed between the check and the write
        raise InputError("; ".join(problems))
    out.print(t(ui, "add.written", path=target, id=entry["id"]))


def _default_target() -> Path | None:
    from objcoach.catalog.load import CATALOG_ENV

    env = os.environ.get(CATALOG_ENV, "")
    parts = [part for part in env.split(os.pathsep) if part.strip()]
    return Path(parts[0]) if parts else None


def _complete(given: dict[str, Any]) -> bool:
    return bool(given.get("client") and given.get("answers"))


def _merge_flags(entry: dict[str, Any], **flags: Any) -> dict[str, Any]:
    """Options given on the command line win over the --from file."""
    out = dict(entry)

    def pair(key: str, ru: Any, en: Any) -> None:
        value = dict(out.get(key) or {})
        if ru:
            value["ru"] = ru
        if en:
            value["en"] = en
        if value:
            out[key] = value

    if flags["objection_id"]:
        out["id"] = flags["objection_id"]
    pair("client", flags["client_ru"], flags["client_en"])
    pair("context", flags["context_ru"], flags["context_en"])
    pair("answers", flags["answer_ru"], flags["answer_en"])
    pair("key_points", flags["key_point_ru"], flags["key_point_en"])
    pair("tips", flags["tips_ru"], flags["tips_en"])
    for key in ("domain", "difficulty", "source"):
        if flags[key]:
            out[key] = flags[key]
    if flags["tags"]:
        out["tags"] = flags["tags"]
    for key in ("checklist", "required"):
        if flags[key]:
            out[key] = [part.strip() for part in flags[key].split(",") if part.strip()]
    return out


@command("review")
def review_command(
    operator: OperatorOpt = None,
    since: SinceOpt = None,
    lowest: Annotated[int, typer.Option(min=0, help="Also this many lowest-scoring recent attempts.")] = 10,
    accept: Annotated[list[str] | None, typer.Option(help="Accept this attempt's reply as a model answer "
                                                     "(id or unique prefix; repeatable).", show_default=False)] = None,
    dismiss: Annotated[list[str] | None, typer.Option(help="Dismiss this attempt (repeatable).",
                                                      show_default=False)] = None,
    comment: Annotated[list[str] | None, typer.Option(help="Leave a comment: ID=text (repeatable).",
                                                      show_default=False)] = None,
    mentor: Annotated[str | None, typer.Option(help="Who decides (default: the config's operator, then the "
                                               "OS user).", show_default=False)] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Go through disputed attempts and the weakest recent ones (of everyone, or --operator): accept,
    dismiss or comment.

    Accepting adds the reply to the catalog file that holds its objection, as a model answer, after
    the same checks as `add`. Decisions are shown to the operator in `history`.

    Examples:

      objcoach review --since 7d

      objcoach review --json

      objcoach review --accept 3f9c2a --comment 77d1e0="Хорошо, добавьте вопрос в конце"
    """
    from objcoach.mentor.reports import parse_since
    from objcoach.mentor.review import Reviewer
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store

    ui = _ui(lang)
    who = operator.strip() if operator else None
    from objcoach.cli.practice import practising_as

    with Store(db_path(db)) as store:
        reviewer = Reviewer(store, catalog, practising_as(store, mentor), ui)
        decisions: list[tuple[str, str, str | None]] = [(key, "accept", None) for key in accept or []]
        decisions += [(key, "dismiss", None) for key in dismiss or []]
        for item in comment or []:
            key, separator, text = item.partition("=")
            if not separator or not text.strip():
                raise InputError(f"--comment {item!r}: write it as ID=text")
            decisions.append((key, "comment", text.strip()))
        if decisions:
            failed = [line for key, action, text in decisions for line in reviewer.decide(key, action, text)]
            for line in failed:
                sys.stderr.write(f"objcoach: {line}\n")
            if failed:
                raise typer.Exit(1)
            return
        candidates = store.review_candidates(who, parse_since(since, utcnow()), lowest)
        if as_json:
            _print_json(candidates)
            return
        from objcoach.cli.terminal import Terminal

        terminal = Terminal(ui)
        reviewer.walk(candidates, terminal.ask_text, terminal.say)


@command("report")
def report_command(
    operator: Annotated[list[str] | None, typer.Option("--operator", "-o", help="Only this operator "
                                                       "(repeatable; default: everyone).", show_default=False)] = None,
    since: SinceOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html, csv or json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", help="Write here instead of stdout.",
                                                show_default=False)] = None,
    lang: LangOpt = None,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """A report per operator: figures, then feedback as observation → impact → correction → agreement.

    HTML is one self-contained file with a chart; CSV is safe to open in a spreadsheet.

    Examples:

      objcoach report --since 7d --format html --output week.html

      objcoach report --operator anna --format md
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.mentor.formats import to_csv, to_html, to_json, to_markdown
    from objcoach.mentor.reports import operator_report, parse_since, previous_period
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store

    if fmt not in ("md", "html", "csv", "json"):
        raise InputError(f"--format should be md, html, csv or json, not {fmt!r}")
    ui = _ui(lang)
    loaded = load_catalog(catalog)
    now = utcnow()
    start = parse_since(since, now)
    until = now.isoformat(timespec="seconds")
    before = previous_period(start, now)
    with Store(db_path(db)) as store:
        names = operator or store.operators()
        reports = [operator_report(store.stats(name, start), store.stats(name, *before) if before else None,
                                   name, loaded, ui, (start, until), store.lowest_replies(name, start, 3))
                   for name in names]
    text = {"md": lambda: to_markdown(reports, ui), "html": lambda: to_html(reports, ui),
            "csv": lambda: to_csv(reports), "json": lambda: to_json(reports)}[fmt]()
    with AtomicOutput(output) as out:
        out.write(text)


@command("export")
def export_command(
    operator: OperatorOpt = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every operator in this history.")] = False,
    since: SinceOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (for import) or csv.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", help="Write here instead of stdout.",
                                                show_default=False)] = None,
    db: DbOpt = None,
) -> None:
    """Export attempts, each with a stable id, to send to a mentor (JSONL) or open in a spreadsheet (CSV).

    Examples:

      objcoach export --output my-practice.jsonl

      objcoach export --all --format csv --output team.csv
    """
    from objcoach.mentor.exchange import export_rows, write_csv, write_jsonl
    from objcoach.mentor.reports import parse_since
    from objcoach.paths import db_path, operator_name
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store

    if fmt not in ("jsonl", "csv"):
        raise InputError(f"--format should be jsonl or csv, not {fmt!r}")
    who = None if everyone else operator_name(operator)
    with Store(db_path(db)) as store, AtomicOutput(output) as out:
        rows = export_rows(store, who, parse_since(since, utcnow()))
        count = write_csv(rows, out) if fmt == "csv" else write_jsonl(rows, out)
    from objcoach.i18n import t

    sys.stderr.write(f"objcoach: {t(_ui(None), 'export.done', n=count)}\n")


@command("import")
def import_command(
    file: Annotated[str, typer.Argument(help="A JSONL export; '-' for stdin.")],
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Import attempts exported on another machine. Importing the same file twice adds nothing.

    A malformed line is reported with its number and the rest is imported (exit 1 then).

    Example:

      objcoach import trainee.jsonl
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.i18n import t
    from objcoach.mentor.exchange import import_lines
    from objcoach.paths import db_path
    from objcoach.scoring.batch import open_input
    from objcoach.store.history import Store

    ui = _ui(lang)
    loaded = load_catalog(catalog)
    stream, _ = open_input(file)
    with stream, Store(db_path(db)) as store:
        result = import_lines(store, stream, loaded)
    if as_json:
        _print_json(result.to_dict())
    else:
        for line in result.errors:
            sys.stderr.write(f"objcoach: {line}\n")
        typer.echo(t(ui, "import.done", added=result.added, skipped=result.skipped, errors=len(result.errors)))
        if result.unknown:
            typer.echo(t(ui, "import.unknown", ids=", ".join(f"{k} ({v})" for k, v in result.unknown.items())))
    if result.errors:
        raise typer.Exit(1)


@command("assign")
def assign_command(
    operator: Annotated[str, typer.Option("--operator", "-o", help="Who gets the assignment.")],
    due: Annotated[str, typer.Option(help="The day it should be done by: 2026-12-01, or 7d from today.")],
    ids: Annotated[list[str] | None, typer.Option("--id", help="An objection id (repeatable).",
                                                  show_default=False)] = None,
    tag: Annotated[str | None, typer.Option(help="Every objection with this tag.", show_default=False)] = None,
    domain: Annotated[str | None, typer.Option(help="Every objection of this domain.", show_default=False)] = None,
    mentor: Annotated[str | None, typer.Option(help="Who assigns (default: the connected role on PostgreSQL, "
                                               "else the config's operator or the OS user).",
                                               show_default=False)] = None,
    lang: LangOpt = None,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Assign objections to an operator; their drills take assigned objections first.

    Examples:

      objcoach assign --operator anna --tag price --due 2026-12-01

      objcoach assign --operator anna --id too-expensive --id need-to-think --due 7d
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.catalog.search import filter_objections
    from objcoach.cli.practice import practising_as
    from objcoach.i18n import t
    from objcoach.mentor.reports import parse_due
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store, now_iso

    if not ids and not tag and not domain:
        raise InputError("say what to assign: --id ID (repeatable), --tag T or --domain D")
    loaded = load_catalog(catalog)
    chosen = list(ids or [])
    for key in chosen:
        if loaded.get(key) is None:
            raise InputError(f"--id {key}: no such objection")
    if tag or domain:
        chosen += [o.id for o in filter_objections(loaded, tag=tag, domain=domain) if o.id not in chosen]
    if not chosen:
        raise InputError("no objections match --tag/--domain")
    day = parse_due(due, utcnow())
    with Store(db_path(db)) as store:
        count = store.assign(operator, chosen, day, practising_as(store, mentor), now_iso())
    typer.echo(t(_ui(lang), "assign.saved", n=count, operator=operator, due=day))


@command("assignments")
def assignments_command(
    operator: OperatorOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Who has done what of their assignments, what is overdue, and each operator's average on them.

    Example:

      objcoach assignments --json
    """
    from objcoach.mentor.reports import assignment_status
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.scoring.settings import DONE_SCORE
    from objcoach.store.history import Store

    with Store(db_path(db)) as store:
        rows, summary = assignment_status(store.assignments(operator), utcnow(), DONE_SCORE)
    if as_json:
        _print_json({"assignments": rows, "operators": summary})
        return
    from objcoach.cli.render import assignments_table, console

    console().print(assignments_table(rows, _ui(lang)))
    for row in summary:
        typer.echo(f"{row['operator']}: {row['done']}/{row['assigned']} done, {row['overdue']} overdue, "
                   f"average on the assigned set {row['average'] if row['average'] is not None else '—'}")


@command("setup", on=db_app)
def db_setup_command(
    db: Annotated[str | None, typer.Option("--db", help="postgresql://admin@host/db (default: OBJCOACH_DB).",
                                           show_default=False)] = None,
) -> None:
    """Create the schema, the objcoach_operator and objcoach_mentor roles, and row-level security.

    Run once by an administrator, who then grants people a role with `objcoach db grant`.
    Passwords stay with PostgreSQL: PGPASSWORD, ~/.pgpass or a service file.

    Example:

      objcoach db setup --db postgresql://admin@db.example/objcoach
    """
    from objcoach.paths import db_path
    from objcoach.store.history import Store
    from objcoach.store.roles import setup

    target = db_path(db)
    with Store(target) as store:
        if store.kind != "postgresql":
            raise InputError("db setup is for PostgreSQL: give --db postgresql://... or set OBJCOACH_DB")
        done = setup(store)
    typer.echo(f"objcoach: database ready ({len(done)} change(s)); grant people a role with objcoach db grant")


@command("grant", on=db_app)
def db_grant_command(
    name: Annotated[str, typer.Argument(help="A PostgreSQL login role (a person).")],
    role: Annotated[str, typer.Option(help="operator or mentor.")] = "operator",
    mentor: Annotated[str | None, typer.Option(help="Put this operator in that mentor's team.",
                                               show_default=False)] = None,
    db: Annotated[str | None, typer.Option("--db", show_default=False)] = None,
) -> None:
    """Grant a person the operator or mentor role (and a place in a mentor's team).

    Example:

      objcoach db grant anna --role operator --mentor boris
    """
    from objcoach.paths import db_path
    from objcoach.store.history import Store
    from objcoach.store.roles import add_person

    if role not in ("operator", "mentor"):
        raise InputError(f"--role should be operator or mentor, not {role!r}")
    with Store(db_path(db)) as store:
        if store.kind != "postgresql":
            raise InputError("db grant is for PostgreSQL")
        try:
            add_person(store, name, role, mentor)
        except ValueError as error:
            raise InputError(str(error)) from None
    typer.echo(f"objcoach: {name} is now an objcoach {role}" + (f" in {mentor}'s team" if mentor else ""))
