"""Mentor commands for the catalog and feedback: new-catalog, add, review, report."""

import os
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
    OutputOpt,
    SinceOpt,
    UiLangOpt,
    chosen,
    echo,
    practising_as,
    print_error,
    print_json,
)
from objcoach.errors import InputError

commands = Commands()


class ReportFormat(str, Enum):
    md = "md"
    html = "html"
    csv = "csv"
    json = "json"


@commands.command("new-catalog")
def new_catalog_command(
    path: Annotated[Path, typer.Argument(help="Where to write the starter catalog (must not exist).")],
    language: UiLangOpt = None,
) -> None:
    """Write a commented starter catalog for a team, using the bundled techniques.

    Example:

      objcoach new-catalog team.yaml && objcoach validate team.yaml
    """
    from objcoach.catalog.edit import starter_catalog
    from objcoach.catalog.load import load_catalog
    from objcoach.i18n import t
    from objcoach.i18n.choice import ui_language
    from objcoach.io import atomic_write

    ui = ui_language(chosen(language))
    if path.exists():
        raise InputError(said="exists", path=path)
    if not path.resolve().parent.is_dir():
        raise InputError(said="no_folder", path=path, folder=path.resolve().parent)
    techniques = list(load_catalog().techniques)
    with atomic_write(path) as out:
        out.write(starter_catalog(path.name, techniques, ui))
    echo(t(ui, "new_catalog.written", path=path))


@commands.command("add")
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
    language: UiLangOpt = None,
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
    from objcoach.i18n.choice import ui_language
    from objcoach.mentor.authoring import add_objection
    from objcoach.mentor.wizard import entry_from_file, run_wizard

    ui = ui_language(chosen(language))
    target = to or _default_target()
    if target is None:
        raise InputError(said="add_where", env=CATALOG_ENV)
    loaded = load_catalog([*(catalog or []), *([target] if target.exists() else [])])
    given: dict[str, Any] = entry_from_file(from_file) if from_file else {}
    given = _merge_flags(given, objection_id=objection_id, client_ru=client_ru, client_en=client_en,
                         context_ru=context_ru, context_en=context_en, domain=domain, tags=tag,
                         difficulty=difficulty, checklist=checklist, required=required, answer_ru=answer_ru,
                         answer_en=answer_en, key_point_ru=key_point_ru, key_point_en=key_point_en,
                         tips_ru=tips_ru, tips_en=tips_en, source=source)
    from objcoach.cli.terminal import Terminal
    from objcoach.i18n import t

    terminal = Terminal(ui)
    complete = bool(from_file) or _complete(given)
    if given.get("id") and loaded.get(str(given["id"])) is not None:  # said at once, not after every question
        if complete:
            raise InputError(t(ui, "add.id_taken", id=given["id"]))
        terminal.say(t(ui, "add.id_taken", id=given["id"]))
        del given["id"]
    try:
        entry = run_wizard(given, loaded, ui, terminal.ask_text, terminal.say, complete=complete)
    except KeyboardInterrupt:
        _offer_draft(given, target, terminal, ui)
        raise
    _, problems = add_objection(target, entry, catalog, dry_run=True, ui=ui)
    from objcoach.cli.render import console, entry_preview

    out = console()
    out.print(entry_preview(entry, ui))
    if problems:
        for line in problems:
            print_error(line)
        print_error(t(ui, 'add.refused'))
        raise typer.Exit(1)
    if dry_run:
        return
    if not yes:
        answer = terminal.ask_text(t(ui, "add.confirm", path=target), "")
        if not _agreed(answer):
            out.print(t(ui, "add.cancelled"))
            raise typer.Exit(1)
    _, problems = add_objection(target, entry, catalog, ui=ui)
    if problems:  # the file changed between the check and the write
        raise InputError("; ".join(problems))
    out.print(t(ui, "add.written", path=target, id=entry["id"]))


def _offer_draft(typed: dict[str, Any], target: Path, terminal: Any, ui: str) -> None:
    """Ctrl-C in the wizard: offer to keep what was typed as a draft that `add --from` resumes."""
    from objcoach.i18n import t
    from objcoach.mentor.wizard import save_draft

    if not any(typed.values()):
        return
    draft = target.with_name(f"{target.stem}.draft.yaml")
    try:
        answer = terminal.ask_text(t(ui, "add.draft_prompt", path=draft), "")
    except KeyboardInterrupt:
        return
    if _agreed(answer):
        save_draft(typed, draft)
        terminal.say(t(ui, "add.draft_saved", path=draft, target=target))


def _agreed(answer: str | None) -> bool:
    """A yes, in either language or typed with the other layout on ("н" is the "y" key)."""
    return (answer or "").strip().lower() in ("y", "yes", "д", "да", "н")


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


@commands.command("review")
def review_command(
    operator: OperatorOpt = None,
    since: SinceOpt = None,
    lowest: Annotated[int, typer.Option(min=0, help="Also this many lowest-scoring recent attempts.")] = 10,
    accept: Annotated[list[str] | None, typer.Option(help="Accept this attempt's reply as a model answer "
                                                     "(id or unique prefix; repeatable).", show_default=False)] = None,
    dismiss: Annotated[list[str] | None, typer.Option(help="Dismiss this attempt (repeatable).",
                                                      show_default=False)] = None,
    grade: Annotated[list[str] | None, typer.Option(help="The score was too low or too high: your grade, ID=0..3 "
                                                    "(0 harmful … 3 a model answer; repeatable).",
                                                    show_default=False)] = None,
    comment: Annotated[list[str] | None, typer.Option(help="Leave a comment: ID=text (repeatable; with the ID of "
                                                      "an --accept, --grade or --dismiss, it goes with that "
                                                      "decision).", show_default=False)] = None,
    mentor: Annotated[str | None, typer.Option(help="Who decides (default: the config's operator, then the "
                                               "OS user).", show_default=False)] = None,
    language: UiLangOpt = None,
    as_json: JsonOpt = False,
    catalog: CatalogOpt = None,
    db: DbOpt = None,
) -> None:
    """Go through disputed attempts and the weakest recent ones (of everyone, or --operator): accept,
    grade, dismiss or comment.

    Accepting adds the reply as a model answer, after the same checks as `add`: to the catalog file that
    holds its objection, or, for an objection of the bundled catalog, to the team catalog in objcoach's data
    folder (the installed package is never changed). A grade (0–3) says the score was too low or too high;
    it teaches `calibrate --fit`. Decisions are shown to the operator in `history` and after their next
    drill, and travel with `export` and `import`.

    Examples:

      objcoach review --since 7d

      objcoach review --json

      objcoach review --accept 3f9c2a --comment 77d1e0="Хорошо, добавьте вопрос в конце"

      objcoach review --grade 3f9c2a=1 --comment 3f9c2a="Нет следующего шага"
    """
    from objcoach.i18n.choice import ui_language
    from objcoach.mentor.reports import parse_since
    from objcoach.mentor.review import Reviewer
    from objcoach.paths import db_path
    from objcoach.practice.schedule import utcnow
    from objcoach.store.history import Store

    ui = ui_language(chosen(language))
    who = operator.strip() if operator else None

    with Store(db_path(db)) as store:
        reviewer = Reviewer(store, catalog, practising_as(store, mentor), ui)
        decisions = _decisions(accept, grade, dismiss, comment, ui)
        if decisions:
            failed = False
            for key, (action, text, mark) in decisions.items():
                decided = reviewer.decide(key, action, text, mark)
                for line in decided.problems:
                    print_error(line)
                failed = failed or bool(decided.problems)
                if decided.said:
                    echo(decided.said)
            if failed:
                raise typer.Exit(1)
            return
        candidates = store.review_candidates(who, parse_since(since, utcnow()), lowest)
        if as_json:
            print_json(candidates)
            return
        from objcoach.cli.terminal import Terminal

        terminal = Terminal(ui)
        reviewer.walk(candidates, terminal.ask_text, terminal.say)


def _decisions(accept: list[str] | None, grade: list[str] | None, dismiss: list[str] | None,
               comment: list[str] | None, ui: str) -> dict[str, tuple[str, str | None, int | None]]:
    """The decisions given as options, by attempt: key → (action, comment, grade). A comment for a key that has
    another decision goes with it; alone, it is a decision of its own."""
    from objcoach.i18n import t
    from objcoach.mentor.review import GRADES

    decisions: dict[str, tuple[str, str | None, int | None]] = {key: ("accept", None, None) for key in accept or []}
    for item in grade or []:
        key, _, value = item.partition("=")
        if not value.strip().isdigit() or int(value) not in GRADES:
            raise InputError(t(ui, "review.bad_grade_option", item=item))
        decisions[key] = ("grade", None, int(value))
    decisions.update({key: ("dismiss", None, None) for key in dismiss or []})
    for item in comment or []:
        key, separator, text = item.partition("=")
        if not separator or not text.strip():
            raise InputError(t(ui, "review.bad_comment_option", item=item))
        action, _, mark = decisions.get(key, ("comment", None, None))
        decisions[key] = (action, text.strip(), mark)
    return decisions


@commands.command("report")
def report_command(
    operator: Annotated[list[str] | None, typer.Option("--operator", "-u", help="Only this operator "
                                                       "(repeatable; default: everyone).", show_default=False)] = None,
    since: SinceOpt = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.md,
    output: OutputOpt = None,
    language: UiLangOpt = None,
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
    from objcoach.i18n.choice import ui_language
    from objcoach.mentor.formats import to_csv, to_html, to_json, to_markdown
    from objcoach.mentor.reports import failed_below, operator_report, parse_since, previous_period
    from objcoach.paths import db_path
    from objcoach.practice.schedule import LEECH_FAILS, utcnow
    from objcoach.store.history import Store

    ui = ui_language(chosen(language))
    loaded = load_catalog(catalog)
    now = utcnow()
    start = parse_since(since, now)
    until = now.isoformat(timespec="seconds")
    before = previous_period(start, now)
    from objcoach.mentor.verify import check_history

    with Store(db_path(db), read_only=True) as store:
        names = operator or store.operators()
        # every stored score in both periods checked against the grader; what does not hold is left out
        check = check_history(store, loaded, operator[0] if operator and len(operator) == 1 else None,
                              before[0] if before else start)
        left_out = check.left_out
        reports = [operator_report(store.stats(name, start, left_out=left_out),
                                   store.stats(name, *before, left_out=left_out) if before else None,
                                   name, loaded, ui, (start, until), store.lowest_replies(name, start, 3, left_out),
                                   check.of(name), store.failed_reviews(name, LEECH_FAILS),
                                   store.hints(name, start, left_out=left_out),
                                   store.roleplay(name, start, left_out=left_out, below=failed_below(loaded)))
                   for name in names]
    from objcoach.i18n.names import Names

    naming = Names(loaded, ui)
    text = {"md": lambda: to_markdown(reports, ui, naming), "html": lambda: to_html(reports, ui, naming),
            "csv": lambda: to_csv(reports), "json": lambda: to_json(reports)}[fmt.value]()
    from objcoach.io import atomic_write

    with atomic_write(output) as out:
        out.write(text)
