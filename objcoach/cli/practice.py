"""Practice commands: drill, exam, stats, history, leaderboard."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from objcoach.cli.common import (
    CatalogOpt,
    Commands,
    DbOpt,
    JsonOpt,
    OperatorOpt,
    SinceOpt,
    UiLangOpt,
    chosen,
    echo,
    practising_as,
    print_error,
    print_json,
    reading_as,
)

commands = Commands()


class Ranking(str, Enum):
    practice = "practice"
    score = "score"

DomainOpt = Annotated[str | None, typer.Option(help="Only this domain (bank, telecom, ecommerce, travel, service, "
                                               "proactive).", show_default=False)]
TagOpt = Annotated[str | None, typer.Option(help="Only objections with this tag.", show_default=False)]
DifficultyOpt = Annotated[int | None, typer.Option(min=1, max=3, help="Only this difficulty (1–3).",
                                                   show_default=False)]
IdOpt = Annotated[list[str] | None, typer.Option("--id", help="Practise this objection (repeatable).",
                                                 show_default=False)]
SeedOpt = Annotated[int | None, typer.Option(help="Seed for a reproducible order.", show_default=False)]


def _session(mode: str, *, count: int, lang: str | None, operator: str | None, seed: int | None,
             ids: list[str] | None, domain: str | None, tag: str | None, difficulty: int | None,
             retries: int, catalog: list[Path] | None, db: str | None, pass_mark: int = 70,
             time_limit: float | None = None) -> Any:
    from objcoach.catalog.load import load_catalog
    from objcoach.catalog.model import is_scenario_key
    from objcoach.cli.names import Names
    from objcoach.cli.render_session import MENTOR_NOTES, mentor_notes
    from objcoach.cli.terminal import Terminal
    from objcoach.i18n.choice import first_run_hint, language_and_source
    from objcoach.paths import db_path
    from objcoach.practice.session import Options, Summary, run
    from objcoach.scoring.settings import DONE_SCORE
    from objcoach.store.history import Store

    ui, source = language_and_source(lang)
    hint = first_run_hint(ui, source)
    if hint:
        print_error(hint)
    loaded = load_catalog(catalog)
    terminal = Terminal(ui, names=Names(loaded, ui))
    with Store(db_path(db)) as store:
        who = practising_as(store, operator)
        # assigned objections (a scenario's assignment is roleplay's: "scenario:<id>")
        assigned = tuple(key for key in store.assigned_ids(who, DONE_SCORE) if not is_scenario_key(key)) \
            if mode == "drill" and not ids else ()
        options = Options(operator=who, lang=ui, mode=mode, count=count, retries=retries, seed=seed,
                          ids=tuple(ids or ()), domain=domain, tag=tag, difficulty=difficulty,
                          pass_mark=pass_mark, time_limit=time_limit, first=assigned)
        seen = store.last_seen(who)  # before this session starts: the mentor's feedback since the last one

        def show(event: object) -> None:
            terminal.show(event)
            if isinstance(event, Summary):  # the summary ends with what the mentor said since the last session
                notes = store.mentor_notes(who, seen, MENTOR_NOTES + 1)
                if notes:
                    terminal.console.print(mentor_notes(notes[:MENTOR_NOTES], len(notes) > MENTOR_NOTES, ui,
                                                        terminal.names))
                    terminal.console.print()

        summary = run(loaded, store, options, terminal.ask, show)
        from objcoach.practice.schedule import refit, utcnow

        refit(store, who, utcnow())  # enough new reviews: the operator's own FSRS parameters, for next time
        return summary


@commands.command("drill")
def drill_command(
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many objections.")] = 5,
    domain: DomainOpt = None,
    tag: TagOpt = None,
    difficulty: DifficultyOpt = None,
    ids: IdOpt = None,
    language: UiLangOpt = None,
    retries: Annotated[int | None, typer.Option(min=0, help="Extra tries after a partial or weak reply "
                                                "(default 1 at a terminal, 0 when replies come from a pipe).",
                                                show_default=False)] = None,
    operator: OperatorOpt = None,
    seed: SeedOpt = None,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Practise objections with coaching: hints, retries and model answers.

    Due objections come first, then new ones, then the weakest. At the prompt: /hint, /skip,
    /answer, /dispute [why], /quit, /help. From a pipe, each line is one reply.

    Examples:

      objcoach drill

      objcoach drill --count 3 --domain bank --lang ru

      printf 'reply one\\nreply two\\n' | objcoach drill --count 2 --seed 1
    """
    if retries is None:
        retries = 1 if sys.stdin.isatty() else 0
    _session("drill", count=count, lang=chosen(language), operator=operator, seed=seed, ids=ids, domain=domain,
             tag=tag, difficulty=difficulty, retries=retries, catalog=catalog, db=db)


@commands.command("exam")
def exam_command(
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many questions.")] = 10,
    pass_mark: Annotated[int, typer.Option(min=0, max=100, help="Average score needed to pass.")] = 70,
    time_limit: Annotated[float | None, typer.Option(min=1, help="Seconds per reply; a late reply loses 10 "
                                                     "points plus 1 per 5 s over, at most 30.",
                                                     show_default=False)] = None,
    domain: DomainOpt = None,
    tag: TagOpt = None,
    difficulty: DifficultyOpt = None,
    ids: IdOpt = None,
    language: UiLangOpt = None,
    operator: OperatorOpt = None,
    seed: SeedOpt = None,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """A timed self-quiz before a shift: no hints, retries or model answers until the end.

    Exit 0 when the average reaches the pass mark, 1 when it does not (130 when interrupted),
    so a shift script can use it.

    Examples:

      objcoach exam

      objcoach exam --count 5 --pass-mark 75 --time-limit 60
    """
    summary = _session("exam", count=count, lang=chosen(language), operator=operator, seed=seed, ids=ids, domain=domain,
                       tag=tag, difficulty=difficulty, retries=0, catalog=catalog, db=db, pass_mark=pass_mark,
                       time_limit=time_limit)
    if not summary.passed:
        raise typer.Exit(1)


@commands.command("stats")
def stats_command(
    operator: OperatorOpt = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every operator in this history.")] = False,
    team: Annotated[bool, typer.Option("--team", help="One line per operator: practice and average.")] = False,
    since: Annotated[str | None, typer.Option(help="Only since: 7d, 12h, 2w or a date like 2026-11-01.",
                                              show_default=False)] = None,
    language: UiLangOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Your practice in figures: attempts, streak, average and its trend, mastery, missed steps, exams.

    With --team: one line per operator (on PostgreSQL, those the database lets you see).

    Examples:

      objcoach stats

      objcoach stats --since 7d --json
    """
    from objcoach.cli.names import names_for
    from objcoach.i18n.choice import ui_language
    from objcoach.mentor.reports import failed_below, parse_since, schedule_figures, stats_report
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store

    ui = ui_language(chosen(language))
    now = utcnow()
    with Store(db_path(db), read_only=True) as store:
        if team:
            rows = store.team(parse_since(since, now))
            if as_json:
                print_json(rows)
                return
            from objcoach.cli.render import console, team_table

            console().print(team_table(rows, ui))
            return
        who = reading_as(store, operator, everyone)
        start = parse_since(since, now)
        names = names_for(None, ui)  # the catalog's bands say which roleplay turns failed
        report = stats_report(store.stats(who, start), who, now,
                              store.roleplay(who, start, below=failed_below(names.catalog)))
        report.update(schedule_figures(store, who, now))
    if as_json:
        print_json(report)
        return
    from objcoach.cli.render import console
    from objcoach.cli.render import stats as render_stats

    console().print(render_stats(report, ui, names))


@commands.command("history")
def history_command(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many attempts.")] = 20,
    operator: OperatorOpt = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every operator in this history.")] = False,
    language: UiLangOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Recent attempts with the reply and its score, newest first.

    Examples:

      objcoach history --limit 5

      objcoach history --json
    """
    from objcoach.i18n.choice import ui_language
    from objcoach.paths import db_path
    from objcoach.store.history import Store

    ui = ui_language(chosen(language))
    with Store(db_path(db), read_only=True) as store:
        rows = store.history(reading_as(store, operator, everyone), limit)
    if as_json:
        print_json(rows)
        return
    from objcoach.cli.names import names_for
    from objcoach.cli.render import console
    from objcoach.cli.render import history as render_history

    console().print(render_history(rows, ui, names_for(None, ui)))


@commands.command("leaderboard")
def leaderboard_command(
    since: SinceOpt = "7d",
    by: Annotated[Ranking, typer.Option(help="Rank by practice (attempts and active days) or by average score.")]
    = Ranking.practice,
    language: UiLangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Who practised most, or scored best, in a period. Every stored score is checked by scoring its
    reply again; an attempt whose score the grader does not give is left out and named.

    Examples:

      objcoach leaderboard --since 7d

      objcoach leaderboard --by score --since 2026-11-01 --json
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language
    from objcoach.mentor.reports import leaderboard, parse_since
    from objcoach.mentor.verify import check_history
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store

    ui = ui_language(chosen(language))
    loaded = load_catalog(catalog)
    start = parse_since(since, utcnow())
    with Store(db_path(db), read_only=True) as store:
        check = check_history(store, loaded, None, start)
        forged: dict[str, int] = {}
        for row in check.forged:
            forged[row.operator] = forged.get(row.operator, 0) + 1
        rows = leaderboard(store.team(start, check.left_out), by.value, forged)
    if as_json:
        print_json(rows)
        return
    from objcoach.cli.render import console, team_table

    console().print(team_table(rows, ui, ranked=True))
    for name, n in sorted(forged.items()):
        echo(t(ui, "leaderboard.forged", operator=name, n=n))
