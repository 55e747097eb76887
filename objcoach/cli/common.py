"""What the command modules share: the options several commands take, the choices of an option, the
error boundary every command runs inside, and JSON output.

The boundary is the one place where an ObjcoachError becomes a message and an exit code:
0 ok, 1 a check failed, 2 bad input or usage, 130 interrupted.
"""

import functools
import sys
import warnings
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from objcoach.errors import MAX_LISTED, CatalogError, HistoryWarning, ObjcoachError
from objcoach.paths import DB_ENV

F = TypeVar("F", bound=Callable[..., Any])


def command_group(**options: Any) -> typer.Typer:
    """A module's Typer app of commands, with the top-level app's settings: plain help (no Rich boxes),
    -h as well as --help."""
    return typer.Typer(rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]},
                       add_completion=False, **options)


class Commands:
    """A module's commands, each on a Typer app of its own: the top-level group then has Typer build only
    the command that runs (see cli/app.py). Every command runs inside the error boundary (`guarded`)."""

    def __init__(self) -> None:
        self.apps: dict[str, typer.Typer] = {}

    def command(self, name: str, **options: Any) -> Callable[[F], F]:
        def register(function: F) -> F:
            one = command_group()
            one.command(name, **options)(guarded(function))
            self.apps[name] = one
            return function

        return register


class RowFormat(str, Enum):
    """How rows are written (grade, audit, export): JSON lines or a spreadsheet-safe CSV."""

    jsonl = "jsonl"
    csv = "csv"


class Lang(str, Enum):
    ru = "ru"
    en = "en"


def chosen(value: Enum | None) -> str | None:
    """The plain string of a choice (None when the option was not given)."""
    return None if value is None else str(value.value)


CatalogOpt = Annotated[
    list[Path] | None,
    # not envvar=: OBJCOACH_CATALOG adds to --catalog instead of being replaced by it (see catalog/load.py)
    typer.Option("--catalog", "-c", help="Another catalog YAML to load with the bundled one (repeatable; "
                 "also OBJCOACH_CATALOG).", show_default=False),
]
# --lang of a command where it also chooses the content (which objections, which language a reply is
# scored in): OBJCOACH_LANG only sets the UI language there, so it is not this option's default.
LangOpt = Annotated[Lang | None, typer.Option("--lang", "-l", case_sensitive=False, show_default=False,
                                              help="Language of the objections and replies: ru or en.")]
# --lang of a command where it is only the language of what is printed.
UiLangOpt = Annotated[Lang | None, typer.Option("--lang", "-l", envvar="OBJCOACH_LANG", case_sensitive=False,
                                                show_default=False, help="Language: ru or en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table or panel.")]
SinceOpt = Annotated[str | None, typer.Option(help="Only since: 7d, 12h, 2w or a date like 2026-11-01.",
                                              show_default=False)]
DbOpt = Annotated[str | None, typer.Option("--db", envvar=DB_ENV, show_default=False,
                                           help="History database: a SQLite file or postgresql://... "
                                           "(default: history.sqlite3 in OBJCOACH_HOME).")]
OperatorOpt = Annotated[str | None, typer.Option("--operator", "-u", help="Whose practice this is (default: the "
                                                 "config file, then the OS user).", show_default=False)]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", min=1, show_default=False,
                                             help="Worker processes to score in (default: one per core).")]


def jobs_for(jobs: int | None) -> int:
    from objcoach.parallel import default_jobs

    return jobs or default_jobs()


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout (the file is "
                                                "replaced only when everything was written).", show_default=False)]

def guarded(function: F) -> F:
    """Run a command inside the error boundary: an ObjcoachError becomes `objcoach: message` on stderr
    and its exit code, Ctrl-C exits 130, a closed pipe (`objcoach grade ... | head`) ends quietly."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                shown = warnings.showwarning
                warnings.simplefilter("always", HistoryWarning)
                warnings.showwarning = functools.partial(_show_warning, shown)
                return function(*args, **kwargs)
        except CatalogError as error:
            ui = _ui(kwargs)
            for line in listed_problems(error.problems_in(ui), error.more, ui):
                print_error(line)
            raise typer.Exit(error.exit_code) from None
        except ObjcoachError as error:
            print_error(error.in_language(_ui(kwargs)))
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            from objcoach.i18n import t

            print_error(t(_ui(kwargs), "interrupted"))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None

    return run  # type: ignore[return-value]


def _ui(kwargs: dict[str, Any]) -> str:
    """The command's UI language: its --lang when it has one, else the usual rule (English when even the
    config cannot be read, since that is the error being shown)."""
    from objcoach.i18n.choice import ui_language

    language = kwargs.get("language")
    try:
        return ui_language(chosen(language) if isinstance(language, Enum) else None)
    except ObjcoachError:
        return "en"


def practising_as(store: Any, operator: str | None) -> str:
    """Who practises: on PostgreSQL the role connected (the database enforces it); on SQLite --operator,
    then the config file, then the OS user."""
    from objcoach.errors import InputError
    from objcoach.paths import operator_name

    identity = store.identity()
    if identity is None:
        return operator_name(operator)
    if operator and operator != identity:
        raise InputError(said="postgres_operator", identity=identity, operator=operator)
    return str(identity)


def reading_as(store: Any, operator: str | None, everyone: bool) -> str | None:
    """Whose figures to show: everyone, --operator, or oneself (the connected role on PostgreSQL)."""
    from objcoach.paths import operator_name

    if everyone:
        return None
    if operator:
        return operator.strip()
    identity = store.identity()
    return str(identity) if identity is not None else operator_name(None)


# Everything objcoach prints goes through the Rich console of cli/render.py or through these: both clean
# it with `printable`, so text from a catalog, a reply, a file name or the history cannot send the terminal
# commands (see objcoach/printable.py).


def echo(text: str) -> None:
    """One line of text on stdout, cleaned."""
    from objcoach.printable import printable

    sys.stdout.write(printable(text) + "\n")


def _show_warning(shown: Callable[..., None], message: Warning | str, category: type[Warning], *args: Any,
                  **kwargs: Any) -> None:
    """objcoach's own warnings (an odd stored row) as one `objcoach: warning:` line; others as Python shows them."""
    if issubclass(category, HistoryWarning):
        print_error(f"warning: {message}")
    else:
        shown(message, category, *args, **kwargs)


def print_error(message: str) -> None:
    from objcoach.printable import printable

    for line in message.split("\n"):  # only \n: another line break is shown as an escape
        sys.stderr.write(f"objcoach: {printable(line)}\n")
    sys.stderr.flush()


def listed_problems(problems: list[str], more: int, ui: str) -> list[str]:
    """The first MAX_LISTED problems, then a line saying how many more there are (`more` of them were
    counted but not described)."""
    shown = problems[:MAX_LISTED]
    more += len(problems) - len(shown)
    if not more:
        return shown
    from objcoach.i18n import t

    return [*shown, t(ui, "problems.more", n=more)]


def print_json(value: Any) -> None:
    import json

    from objcoach.printable import json_printable

    sys.stdout.write(json_printable(json.dumps(value, ensure_ascii=False, indent=2)) + "\n")
