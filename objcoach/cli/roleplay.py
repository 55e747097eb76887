"""The roleplay command: play a whole call (practice/roleplay.py runs it), or list the scenarios."""

import sys
from typing import Annotated, Any

import typer

from objcoach.cli.common import (
    CatalogOpt,
    Commands,
    DbOpt,
    JsonOpt,
    OperatorOpt,
    UiLangOpt,
    chosen,
    practising_as,
    print_error,
    print_json,
    reading_as,
)

commands = Commands()


@commands.command("roleplay")
def roleplay_command(
    scenario_id: Annotated[str | None, typer.Argument(metavar="ID", show_default=False,
                                                      help="The scenario to play (default: an assigned one, then "
                                                      "one due, then one played weakly, then a new one).")] = None,
    listing: Annotated[bool, typer.Option("--list", help="List the scenarios instead of playing one.")] = False,
    exam: Annotated[bool, typer.Option("--exam", help="No hints, no retries, no feedback until the scorecard.")]
    = False,
    retries: Annotated[int | None, typer.Option(min=0, max=1, help="Tries again at a turn whose reply is below "
                                                "good (default 1 at a terminal, 0 when replies come from a pipe).",
                                                show_default=False)] = None,
    language: UiLangOpt = None,
    operator: OperatorOpt = None,
    seed: Annotated[int | None, typer.Option(help="Seed: the client says a random variant of each line (without "
                                             "one, the main line).", show_default=False)] = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Play a whole call: the client's line, your reply, the client's next line chosen by how the reply
    went, until the call is resolved, escalated or lost; then a scorecard.

    Each reply is scored and coached as in a drill, with one more try when it is below good (not with
    --exam). At the prompt: /hint, /skip, /answer, /dispute [why], /quit, /help. From a pipe, each line
    is one reply.

    Examples:

      objcoach roleplay --list

      objcoach roleplay --list --json

      objcoach roleplay mortgage-rate-raised --lang ru

      objcoach roleplay double-charge --catalog team-calls.yaml

      printf 'Sorry, I will check it\\nIt is a hold\\n' | objcoach roleplay double-charge-business -l en --exam
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.i18n.choice import first_run_hint, language_and_source

    ui, source = language_and_source(chosen(language))
    loaded = load_catalog(catalog)
    if listing:
        _list(loaded, ui, operator, as_json, db)
        return
    if retries is None:
        retries = 1 if sys.stdin.isatty() else 0
    hint = first_run_hint(ui, source)
    if hint:
        print_error(hint)
    card = _play(loaded, ui, scenario_id, exam, retries, operator, seed, as_json, db)
    if as_json:
        print_json(card.to_dict())


def _list(loaded: Any, ui: str, operator: str | None, as_json: bool, db: str | None) -> None:
    from objcoach.catalog.model import scenario_key
    from objcoach.paths import db_path
    from objcoach.practice.branching import model_walk
    from objcoach.store.history import Store

    scenarios = [scenario for scenario in loaded.scenarios if ui in scenario.langs] or list(loaded.scenarios)
    with Store(db_path(db), read_only=True) as store:
        cards = store.card_states(str(reading_as(store, operator, False)), ui, scenarios=True)
    rows = []
    for scenario in scenarios:
        lang = ui if ui in scenario.langs else (scenario.langs or (ui,))[0]
        card = cards.get(scenario_key(scenario.id))
        rows.append({"id": scenario.id, "title": scenario.title, "situation": scenario.situation,
                     "domain": scenario.domain, "difficulty": scenario.difficulty, "langs": list(scenario.langs),
                     "nodes": len(scenario.nodes), "turns": len(model_walk(scenario, loaded, lang).steps),
                     "due": card.due.isoformat() if card else None})
    if as_json:
        print_json(rows)
        return
    from objcoach.cli.names import Names
    from objcoach.cli.render import console
    from objcoach.cli.render_roleplay import scenario_table

    console().print(scenario_table(rows, ui, Names(loaded, ui)))


def _play(loaded: Any, ui: str, scenario_id: str | None, exam: bool, retries: int, operator: str | None,
          seed: int | None, as_json: bool, db: str | None) -> Any:
    from objcoach.catalog.model import is_scenario_key
    from objcoach.cli import render, render_roleplay
    from objcoach.cli.names import Names
    from objcoach.cli.terminal import Terminal
    from objcoach.paths import db_path
    from objcoach.practice.roleplay import CallOptions, choose_scenario, find_scenario, play
    from objcoach.practice.schedule import refit, utcnow
    from objcoach.scoring.settings import DONE_SCORE
    from objcoach.store.history import Store

    names = Names(loaded, ui)
    terminal = Terminal(ui, names=names)
    if as_json:  # stdout holds the JSON scorecard alone: the call itself is shown on stderr
        terminal.console = render.console(stderr=True)
    with Store(db_path(db)) as store:
        who = practising_as(store, operator)
        if scenario_id:
            scenario = find_scenario(loaded, scenario_id, ui)
        else:
            assigned = [key for key in store.assigned_ids(who, DONE_SCORE) if is_scenario_key(key)]
            scenario = choose_scenario(loaded, store, who, ui, utcnow(), assigned, seed)
        options = CallOptions(who, ui, exam=exam, retries=0 if exam else retries, seed=seed)
        boxes = getattr(terminal.console, "boxes", True)

        def show(event: object) -> None:
            renderable = render_roleplay.event(event, ui, names, boxes)
            if renderable is not None:
                terminal.console.print(renderable)
                terminal.console.print()

        card = play(loaded, store, scenario, options, terminal.ask, show)
        refit(store, who, utcnow())
        return card
