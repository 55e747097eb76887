"""Scoring and looking things up: score, grade, suggest, calibrate, list, show, techniques, validate."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from objcoach.cli.common import (
    CatalogOpt,
    Commands,
    DbOpt,
    JobsOpt,
    JsonOpt,
    LangOpt,
    RowFormat,
    UiLangOpt,
    chosen,
    echo,
    jobs_for,
    listed_problems,
    print_error,
    print_json,
)
from objcoach.errors import InputError

commands = Commands()



@commands.command("score")
def score_command(
    objection: Annotated[str, typer.Argument(help="An objection id or the client's words, in either language.")],
    reply: Annotated[str | None, typer.Argument(help="The reply to score; '-' or nothing reads stdin.")] = None,
    language: LangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """Score one reply to one objection, with coaching feedback.

    Examples:

      objcoach score bank-already-chosen "Понимаю вас, выбор за вами. Что для вас было важно?"

      echo "I understand, it's your choice..." | objcoach score "You're too late, I've already chosen a bank"
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.catalog.search import resolve_objection
    from objcoach.i18n.choice import ui_language
    from objcoach.scoring.coach import feedback
    from objcoach.scoring.score import score_reply

    lang = chosen(language)
    text = _read_reply(reply)
    loaded = load_catalog(catalog)
    found, matched = resolve_objection(loaded, objection)
    result = score_reply(text, found, loaded, lang or matched)
    ui = ui_language(lang, result.lang)
    advice = feedback(result, found, loaded, ui)
    if as_json:
        print_json({**result.to_dict(), "feedback": advice.to_dict()})
        return
    from objcoach.cli.render import console, score_panel

    console().print(score_panel(result, advice, found, ui))


def _read_reply(reply: str | None) -> str:
    if reply is not None and reply != "-":
        return reply
    if sys.stdin.isatty():
        raise InputError(said="no_reply")
    return sys.stdin.buffer.read().decode("utf-8", errors="replace").strip()


@commands.command("grade")
def grade_command(
    file: Annotated[str, typer.Argument(help="JSONL or CSV rows with 'objection' and 'reply'; '-' for stdin.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    fmt: Annotated[RowFormat, typer.Option("--format", "-f", help="Output format.")] = RowFormat.jsonl,
    jobs: JobsOpt = None,
    language: LangOpt = None,
    catalog: CatalogOpt = None,
) -> None:
    """Score every row of a file of replies; one output row per input row, in order.

    Rows that cannot be graded get an 'error' field; the exit code is then 1.

    Examples:

      objcoach grade replies.jsonl > scored.jsonl

      objcoach grade replies.csv --format csv --output scored.csv
    """
    from functools import partial

    from objcoach.catalog.load import load_catalog
    from objcoach.cli.progress import counted
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language
    from objcoach.io import Encoded, atomic_write, open_input, read_rows, write_jsonl
    from objcoach.parallel import is_large, ordered_map
    from objcoach.scoring.batch import grade_batch, grade_batch_encoded, write_csv

    lang = chosen(language)
    ui = ui_language(lang)
    loaded = load_catalog(catalog)
    stream, name = open_input(file)
    csv = fmt is RowFormat.csv
    # JSONL rows are written as JSON where they are scored (a worker), so the writing process stays light
    work = partial(grade_batch if csv else grade_batch_encoded, lang=lang)
    errors = total = 0
    with stream, atomic_write(output) as out:
        graded = ordered_map(work, loaded, read_rows(stream, name), jobs_for(jobs), catalog, is_large(file))
        rows: Any = write_csv(graded, out) if csv else write_jsonl(graded, out)
        # a progress bar only where a person watches stderr and it won't mix with the rows
        show_bar = sys.stderr.isatty() and (output is not None or not sys.stdout.isatty())
        for row in counted(rows, show_bar, t(ui, "progress.rows")):
            total += 1
            errors += row.error if isinstance(row, Encoded) else "error" in row
    print_error(t(ui, "graded", n=total, errors=errors))
    if errors:
        raise typer.Exit(1)


@commands.command("suggest")
def suggest_command(
    words: Annotated[list[str], typer.Argument(help="What the client said (a few words are enough).")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=50, help="How many objections to show.")] = 3,
    language: LangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """Find which scripted objection the client's words are, with its best answer.

    The first row is marked as a match only when the lookup is confident; words that fit no objection well
    get "no good match" and the closest ones as "maybe".

    Examples:

      objcoach suggest уже выбрал банк

      objcoach suggest "too expensive" --limit 5 --json
    """
    from objcoach.catalog.lookup import index_for, lookup_in
    from objcoach.i18n.choice import ui_language
    from objcoach.scoring.text import detect_language

    query = " ".join(words).strip()
    if not query:
        raise InputError(said="no_words")
    lang = chosen(language)
    content = lang or detect_language(query)
    found = lookup_in(index_for(catalog), query, limit=limit, lang=content)
    if as_json:
        print_json([{"id": item.objection_id, "similarity": item.similarity, "confident": item.confident,
                     "lang": item.lang, "client": item.client, "best_answer": item.answer} for item in found])
        return
    from objcoach.cli.render import console, suggestions_table

    console().print(suggestions_table(found, ui_language(lang, content)))


@commands.command("calibrate")
def calibrate_command(
    file: Annotated[str, typer.Argument(help="JSONL or CSV rows with 'objection', 'reply' and a human 'grade' "
                                        "(0–3 or 0–100); '-' for stdin.")],
    fit: Annotated[bool, typer.Option("--fit", help="Learn the grader's weights from these grades (and the "
                                      "replies accepted in review); needs --output.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="With --fit: where to write the team's "
                                                "model (JSON).", show_default=False)] = None,
    reviews: Annotated[bool, typer.Option("--reviews/--no-reviews", help="With --fit: also learn from the "
                                          "replies graded in review (accepted ones as grade 3).")] = True,
    language: LangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Check the scorer against a mentor's grades: Spearman ρ, pair order, confusion, worst rows.

    With --fit, learn how the scorer weighs what it finds from the team's grades: prints the agreement
    before and after (cross-validated by objection) and writes the model; a catalog then uses it with
    `scoring: {model: team-model.json}`.

    Examples:

      objcoach calibrate tests/data/graded.jsonl

      objcoach calibrate graded.jsonl --fit --output team-model.json
    """
    if fit:
        _fit_command(file, output, reviews, chosen(language), as_json, catalog, db)
        return
    if output is not None:
        raise InputError(said="output_without_fit")
    from objcoach.catalog.load import load_catalog
    from objcoach.i18n.choice import ui_language
    from objcoach.io import open_input, read_rows
    from objcoach.scoring.calibration import calibrate

    lang = chosen(language)
    loaded = load_catalog(catalog)
    stream, name = open_input(file)
    with stream:
        result = calibrate(read_rows(stream, name), loaded, lang)
    if not result.rows:
        raise InputError(said="no_graded", name=name, first=f" ({result.errors[0]})" if result.errors else "")
    if as_json:
        print_json(result.to_dict())
        return
    from objcoach.cli.render import calibration_report, console

    console().print(calibration_report(result, ui_language(lang)))


def _fit_command(file: str, output: Path | None, reviews: bool, lang: str | None, as_json: bool,
                 catalog: list[Path] | None, db: str | None) -> None:
    """calibrate --fit: the team's model from its graded rows and accepted reviews, before and after."""
    if output is None:
        raise InputError(said="fit_without_output")
    from objcoach.catalog.load import load_catalog
    from objcoach.i18n.choice import ui_language
    from objcoach.io import open_input, read_rows
    from objcoach.scoring.teamfit import examples_from_reviews, examples_from_rows, fit_team, write_team_model

    loaded = load_catalog(catalog)
    stream, name = open_input(file)
    with stream:
        examples, errors = examples_from_rows(read_rows(stream, name), loaded, lang)
    if not examples:
        raise InputError(said="no_graded", name=name, first=f" ({errors[0]})" if errors else "")
    added = examples_from_reviews(_reviewed_grades(db), loaded) if reviews else []
    model, before, after = fit_team([*examples, *added], loaded,
                                    about={"fitted_by": "objcoach calibrate --fit", "file": Path(name).name,
                                           "rows": len(examples), "reviews": len(added)})
    write_team_model(model, output)
    if as_json:
        print_json({"before": before, "after": after, "output": str(output), "rows": len(examples),
                    "reviews": len(added), "errors": errors})
        return
    from objcoach.cli.render import console, fit_report

    console().print(fit_report(before, after, ui_language(lang), rows=len(examples), reviews=len(added),
                               output=output, errors=errors))


def _reviewed_grades(db: str | None) -> list[dict[str, Any]]:
    """The replies graded in review (accepted: 3); none when there is no history yet (a fit does not create one)."""
    from pathlib import PurePath

    from objcoach.paths import db_path
    from objcoach.store.history import Store

    target = db_path(db)
    if isinstance(target, PurePath) and not target.exists():
        return []
    with Store(target, read_only=True) as store:
        return store.reviewed_grades()


@commands.command("list")
def list_command(
    domain: Annotated[str | None, typer.Option(help="Only this domain (bank, telecom, ...).")] = None,
    tag: Annotated[str | None, typer.Option(help="Only objections with this tag.")] = None,
    difficulty: Annotated[int | None, typer.Option(min=1, max=3, help="Only this difficulty (1–3).")] = None,
    language: LangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """List the catalog's objections.

    Example:

      objcoach list --domain bank --lang ru
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.catalog.search import filter_objections
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language

    lang = chosen(language)
    loaded = load_catalog(catalog)
    found = filter_objections(loaded, domain=domain, tag=tag, difficulty=difficulty, lang=lang)
    ui = ui_language(lang)
    if as_json:
        print_json([{"id": o.id, "domain": o.domain, "tags": list(o.tags), "difficulty": o.difficulty,
                      "client": o.client, "source": o.source} for o in found])
        return
    from objcoach.cli.render import console, objection_table

    out = console()
    if not found:
        out.print(t(ui, "no_objections"))
        return
    out.print(objection_table(found, ui))
    out.print(t(ui, "count", n=len(found)))


@commands.command("show")
def show_command(
    objection: Annotated[str, typer.Argument(help="An objection id or the client's words.")],
    language: LangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """Show one objection: context, steps, key points, model answers and tips.

    Example:

      objcoach show bank-already-chosen --lang en
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.catalog.search import resolve_objection
    from objcoach.i18n.choice import ui_language

    lang = chosen(language)
    loaded = load_catalog(catalog)
    found, matched = resolve_objection(loaded, objection)
    if as_json:
        print_json(_objection_dict(found))
        return
    from objcoach.cli.render import console, objection_detail

    ui = ui_language(lang, matched)
    content = ui if ui in found.langs else (found.langs or ("ru",))[0]
    console().print(objection_detail(found, loaded, content))


def _objection_dict(found: Any) -> dict[str, Any]:
    return {
        "id": found.id, "client": found.client, "variants": {k: list(v) for k, v in found.variants.items()},
        "context": found.context, "domain": found.domain, "tags": list(found.tags),
        "difficulty": found.difficulty, "checklist": list(found.checklist), "required": list(found.required),
        "key_points": {k: list(v) for k, v in found.key_points.items()},
        "answers": {k: list(v) for k, v in found.answers.items()}, "tips": found.tips, "source": found.source,
    }


@commands.command("techniques")
def techniques_command(language: UiLangOpt = None, as_json: JsonOpt = False, catalog: CatalogOpt = None) -> None:
    """List the techniques the checklists use, with why they work and example phrases.

    Example:

      objcoach techniques --lang ru
    """
    from objcoach.catalog.load import load_catalog
    from objcoach.i18n.choice import ui_language

    lang = chosen(language)
    loaded = load_catalog(catalog)
    if as_json:
        print_json([{"id": tid, "title": tech.title, "why": tech.why,
                      "examples": {k: list(v) for k, v in tech.examples.items()}}
                     for tid, tech in loaded.techniques.items()])
        return
    from objcoach.cli.render import console, techniques_table

    console().print(techniques_table(loaded, ui_language(lang)))


@commands.command("validate")
def validate_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Catalog files to check (default: the bundled "
                                                       "one and OBJCOACH_CATALOG).", show_default=False)] = None,
    self_test: Annotated[bool, typer.Option("--self-test/--no-self-test",
                                            help="Score each model answer with itself left out.")] = True,
    language: UiLangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check catalogs: YAML, fields, languages, technique ids, duplicate ids, and a self-test.

    Exit 0 when clean, 1 when there are problems (one line each, with file:line:col).

    Examples:

      objcoach validate

      objcoach validate team.yaml
    """
    from objcoach.catalog.load import catalog_paths
    from objcoach.catalog.parse import parse_files
    from objcoach.errors import MAX_LISTED
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language

    ui = ui_language(chosen(language))
    files = catalog_paths(paths)
    # the entries that parsed are self-tested even when others have problems: one run reports everything
    loaded, found = parse_files(files)
    problems, more = found.lines_in(ui), found.more
    if self_test:
        problems += _self_test_problems(loaded, ui, only=paths)
        problems += _scenario_test_problems(loaded, ui, only=paths)
    total = len(problems) + more
    if as_json:
        print_json({"ok": not total, "files": [str(p) for p in files], "problems": problems[:MAX_LISTED],
                    "not_listed": total - len(problems[:MAX_LISTED])})
    elif problems:
        for line in listed_problems(problems, more, ui):
            echo(line)
        echo(t(ui, "invalid", n=total))
    else:
        echo(t(ui, "valid", files=", ".join(str(p) for p in files), objections=len(loaded.objections),
               scenarios=len(loaded.scenarios), techniques=len(loaded.techniques),
               antipatterns=len(loaded.antipatterns)))
    if problems:
        raise typer.Exit(1)


def _self_test_problems(loaded: Any, ui: str, only: list[Path] | None) -> list[str]:
    from objcoach.i18n import t
    from objcoach.i18n.names import Names, quoted
    from objcoach.scoring.score import self_test

    names = Names(loaded, ui)
    wanted = {str(p) for p in only} if only else None
    # an entry naming a technique the catalog lacks is reported as such, and cannot be scored; the answers a
    # wanted file's `answers:` section adds to an objection defined elsewhere are its own to test
    sound = [objection.id for objection in (*loaded.objections, *loaded.node_objections())
             if set(objection.checklist) <= set(loaded.techniques)]
    added = {(objection_id, lang, answer): place for objection_id, lang, answer, place in loaded.added_answers
             if wanted is not None and place.rsplit(":", 2)[0] in wanted}
    lines = []
    for objection, content, answer, result in self_test(loaded, only=sound):
        if wanted is not None and objection.origin.rsplit(":", 1)[0] not in wanted \
                and (objection.id, content, answer) not in added:
            continue
        missing = [*map(names.technique, result.techniques_missed), *result.key_points_missed]
        origin = added.get((objection.id, content, answer), objection.origin)
        lines.append(t(ui, "selftest_fail", origin=origin, id=objection.id, lang=content,
                       score=result.score, verdict=names.verdict(result.verdict), missing=", ".join(missing) or "—",
                       flags=", ".join(f"{t(ui, 'flag.' + flag.id)} {quoted(flag.evidence, ui)}"
                                       for flag in result.flags) or "—"))
    return lines


def _scenario_test_problems(loaded: Any, ui: str, only: list[Path] | None) -> list[str]:
    """Each scenario played with its model answers (must end resolved), a bad operator (must not) and its test
    transcripts (must reach the end they name), in each language it can be played in."""
    from objcoach.i18n import t
    from objcoach.i18n.names import Names, quoted
    from objcoach.practice.branching import self_test_scenarios

    names = Names(loaded, ui)
    wanted = {str(p) for p in only} if only else None
    lines = []
    for failure in self_test_scenarios(loaded, only=lambda file: wanted is None or file in wanted):
        path = " → ".join([*(step.turn.id for step in failure.walk.steps), failure.walk.last.id])
        got = quoted(names.end(failure.walk.end), ui) if failure.walk.end else t(ui, "selftest_scenario.no_end")
        expected = " / ".join(quoted(names.end(end), ui) for end in failure.expected.split("/"))
        lines.append(t(ui, "selftest_scenario", where=failure.where, id=failure.scenario, lang=failure.lang,
                       what=t(ui, f"selftest_scenario.{failure.kind}"), got=got, expected=expected, path=path))
    return lines
