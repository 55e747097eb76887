"""Team commands: export, import, assign, assignments, and the `db` group (PostgreSQL set-up)."""

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from objcoach.cli.common import (
    CatalogOpt,
    Commands,
    DbOpt,
    JsonOpt,
    OperatorOpt,
    OutputOpt,
    RowFormat,
    SinceOpt,
    UiLangOpt,
    chosen,
    command_group,
    echo,
    guarded,
    practising_as,
    print_error,
    print_json,
    reading_as,
)
from objcoach.errors import InputError
from objcoach.paths import DB_ENV

if TYPE_CHECKING:
    from objcoach.catalog.model import Catalog

commands = Commands()
db_commands = command_group(name="db", help="Set up and manage a team's PostgreSQL database.", no_args_is_help=True)



class Role(str, Enum):
    operator = "operator"
    mentor = "mentor"


@commands.command("export")
def export_command(
    operator: OperatorOpt = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every operator in this history.")] = False,
    since: SinceOpt = None,
    fmt: Annotated[RowFormat, typer.Option("--format", "-f", help="jsonl (for import) or csv.")]
    = RowFormat.jsonl,
    output: OutputOpt = None,
    db: DbOpt = None,
) -> None:
    """Export attempts, each with a stable id, to send to a mentor (JSONL) or open in a spreadsheet (CSV).

    Examples:

      objcoach export --output my-practice.jsonl

      objcoach export --all --format csv --output team.csv
    """
    from objcoach.io import atomic_write
    from objcoach.mentor.exchange import export_rows, write_csv, write_jsonl
    from objcoach.mentor.reports import parse_since
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store

    with Store(db_path(db), read_only=True) as store, atomic_write(output) as out:
        # whose attempts: the same rule as history and stats (on PostgreSQL, by default the role connected)
        rows = export_rows(store, reading_as(store, operator, everyone), parse_since(since, utcnow()))
        count = write_csv(rows, out) if fmt is RowFormat.csv else write_jsonl(rows, out)
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language

    print_error(t(ui_language(None), 'export.done', n=count))


@commands.command("import")
def import_command(
    file: Annotated[str, typer.Argument(help="A JSONL export; '-' for stdin.")],
    language: UiLangOpt = None,
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
    from objcoach.i18n.choice import ui_language
    from objcoach.io import open_input
    from objcoach.mentor.exchange import import_lines
    from objcoach.paths import db_path
    from objcoach.store.history import Store

    ui = ui_language(chosen(language))
    loaded = load_catalog(catalog)
    stream, _ = open_input(file)
    with stream, Store(db_path(db)) as store:
        if store.kind == "postgresql":
            from objcoach.store.roles import may_import

            may_import(store)  # the database refuses an operator's import too; this says why, once
        result = import_lines(store, stream, loaded)
    if as_json:
        print_json(result.to_dict())
    else:
        for line in result.errors:
            print_error(line)
        echo(t(ui, "import.done", added=result.added, skipped=result.skipped, errors=len(result.errors),
             reviews=result.reviews))
        if result.unknown:
            echo(t(ui, "import.unknown", ids=", ".join(f"{k} ({v})" for k, v in result.unknown.items())))
    if result.stopped:  # the database could not be written: one message, not one per remaining line
        print_error(t(ui, "import.stopped", reason=result.stopped, added=result.added))
        raise typer.Exit(2)
    if result.errors:
        raise typer.Exit(1)


@commands.command("assign")
def assign_command(
    operator: Annotated[str, typer.Option("--operator", "-u", help="Who gets the assignment.")],
    due: Annotated[str, typer.Option(help="The day it should be done by: 2026-12-01, or 7d from today.")],
    ids: Annotated[list[str] | None, typer.Option("--id", help="An objection id (repeatable).",
                                                  show_default=False)] = None,
    scenarios: Annotated[list[str] | None, typer.Option("--scenario", help="A roleplay scenario's id (repeatable): "
                                                        "done when a call of it ends resolved.",
                                                        show_default=False)] = None,
    tag: Annotated[str | None, typer.Option(help="Every objection with this tag.", show_default=False)] = None,
    domain: Annotated[str | None, typer.Option(help="Every objection of this domain.", show_default=False)] = None,
    mentor: Annotated[str | None, typer.Option(help="Who assigns (default: the connected role on PostgreSQL, "
                                               "else the config's operator or the OS user).",
                                               show_default=False)] = None,
    language: UiLangOpt = None,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Assign objections or roleplay scenarios to an operator; their drills take assigned objections first.

    Examples:

      objcoach assign --operator anna --tag price --due 2026-12-01

      objcoach assign --operator anna --id too-expensive --id need-to-think --due 7d

      objcoach assign --operator anna --scenario mortgage-rate-raised --due 7d
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.catalog.model import scenario_key
    from objcoach.catalog.search import filter_objections
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language
    from objcoach.mentor.reports import parse_due
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store, now_iso

    if not ids and not tag and not domain and not scenarios:
        raise InputError(said="assign_what")
    loaded = load_catalog(catalog)
    objection_ids = list(ids or [])
    for key in objection_ids:
        if loaded.get(key) is None:
            raise InputError(said="no_such_id", id=key)
    scenario_ids = list(dict.fromkeys(scenarios or []))
    for key in scenario_ids:
        _known_scenario(loaded, key)
    if tag or domain:
        found = [o.id for o in filter_objections(loaded, tag=tag, domain=domain) if o.id not in objection_ids]
        if not found and not objection_ids and not scenario_ids:
            raise InputError(said="no_filtered")
        objection_ids += found
    day = parse_due(due, utcnow())
    with Store(db_path(db)) as store:
        count = store.assign(operator, [*objection_ids, *map(scenario_key, scenario_ids)], day,
                             practising_as(store, mentor), now_iso())
    ui = ui_language(chosen(language))
    if scenario_ids:
        echo(t(ui, "assign.saved_mixed", n=count - len(scenario_ids), scenarios=len(scenario_ids), operator=operator,
               due=day))
    else:
        echo(t(ui, "assign.saved", n=count, operator=operator, due=day))


def _known_scenario(catalog: "Catalog", key: str) -> None:
    """Refuse a scenario id the catalog lacks, naming the closest one."""
    from objcoach.catalog.fields import nearest

    if catalog.scenario(key) is not None:
        return
    close = nearest(key, (scenario.id for scenario in catalog.scenarios))
    if close:
        raise InputError(said="assign_no_scenario_close", id=key, close=close)
    raise InputError(said="assign_no_scenario", id=key)


@commands.command("assignments")
def assignments_command(
    operator: OperatorOpt = None,
    language: UiLangOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Who has done what of their assignments, what is overdue, and each operator's average on them.

    Example:

      objcoach assignments --json
    """
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language
    from objcoach.mentor.reports import assignment_status
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.scoring.settings import DONE_SCORE
    from objcoach.store.history import Store

    with Store(db_path(db), read_only=True) as store:
        rows, summary = assignment_status(store.assignments(operator), utcnow(), DONE_SCORE)
    if as_json:
        print_json({"assignments": rows, "operators": summary})
        return
    from objcoach.cli.names import names_for
    from objcoach.cli.render import assignments_table, console

    ui = ui_language(chosen(language))
    console().print(assignments_table(rows, ui, names_for(None, ui)))
    for row in summary:
        echo(t(ui, "assign.summary", operator=row["operator"], done=row["done"], assigned=row["assigned"],
               overdue=row["overdue"], average=row["average"] if row["average"] is not None else "—"))


@db_commands.command("setup")
@guarded
def db_setup_command(
    db: Annotated[str | None, typer.Option("--db", envvar=DB_ENV, help="postgresql://admin@host/db.",
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
            raise InputError(said="db_setup_not_postgres")
        done = setup(store)
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language

    echo(t(ui_language(None), "db.ready", n=len(done)))


@db_commands.command("grant")
@guarded
def db_grant_command(
    name: Annotated[str, typer.Argument(help="A PostgreSQL login role (a person).")],
    role: Annotated[Role, typer.Option(help="The role to grant.")] = Role.operator,
    mentor: Annotated[str | None, typer.Option(help="Put this operator in that mentor's team.",
                                               show_default=False)] = None,
    db: Annotated[str | None, typer.Option("--db", envvar=DB_ENV, help="postgresql://admin@host/db.",
                                           show_default=False)] = None,
) -> None:
    """Grant a person the operator or mentor role (and a place in a mentor's team).

    Example:

      objcoach db grant anna --role operator --mentor boris
    """
    from objcoach.paths import db_path
    from objcoach.store.history import Store
    from objcoach.store.roles import add_person

    with Store(db_path(db)) as store:
        if store.kind != "postgresql":
            raise InputError(said="db_grant_not_postgres")
        add_person(store, name, role.value, mentor)
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language

    ui = ui_language(None)
    echo(t(ui, f"db.granted.{role.value}", name=name) + (t(ui, "db.in_team", mentor=mentor) if mentor else "") + ".")
