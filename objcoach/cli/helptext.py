"""--help in the user's language.

Commands keep their help in English, as docstrings and option help= strings; objcoach/i18n/help_ru.py maps
each English text to its Russian. When the UI language is Russian, the command being helped (built for
this run only, see cli/app.py) has its texts swapped for the Russian ones, and its context writes help
with a formatter whose own words (Usage, Options, default...) are Russian too. Only the texts of that one
command are touched: nothing else is imported or built.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from typer._click.core import Context
from typer._click.formatting import HelpFormatter

HELP_FLAGS = ("-h", "--help")


def language_of(args: list[str]) -> str:
    """The UI language a run with these arguments shows: its --lang / -l when given, then the usual rule
    (--help is eager, so it is answered before --lang is read as an option)."""
    from objcoach.errors import ObjcoachError
    from objcoach.i18n.choice import ui_language

    given = None
    for index, arg in enumerate(args):
        if arg in ("--lang", "-l") and index + 1 < len(args):
            given = args[index + 1]
        elif arg.startswith("--lang="):
            given = arg.split("=", 1)[1]
    try:
        return ui_language(given)
    except ObjcoachError:  # an unreadable config.yaml: the command itself says so, inside its error boundary
        return "en"


def wants_help(args: list[str]) -> bool:
    """Whether these arguments may end in help: a help flag, or nothing after the command."""
    return not args or any(arg in HELP_FLAGS for arg in args)


def localise(command: Any, ui: str) -> Any:
    """The command (and its subcommands) with help texts in `ui`; English is the texts as written."""
    if ui != "ru":
        return command
    from objcoach.i18n.help_ru import ARGUMENTS, HELP

    command.help = HELP.get(command.help, command.help) if command.help else command.help
    for param in command.params:
        if getattr(param, "help", None):
            param.help = HELP.get(param.help, param.help)
        if param.param_type_name == "argument" and param.name in ARGUMENTS:
            param.metavar = ARGUMENTS[param.name] + ("..." if param.nargs != 1 else "")
    command.context_class = RussianContext
    for sub in getattr(command, "commands", {}).values():
        localise(sub, ui)
    return command


_EXTRA = re.compile(r"\[([^\[\]]*)\]\s*$")  # Typer's "[env var: X; default: 5; required]" after an option's help


class RussianFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        from objcoach.i18n.help_ru import USAGE_WORDS

        for words in USAGE_WORDS:
            args = args.replace(words, _label(words))
        super().write_usage(prog, args, _label(prefix or "Usage: "))

    def write_heading(self, heading: str) -> None:
        super().write_heading(_label(heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _described(text)) for term, text in rows], col_max, col_spacing)


class RussianContext(Context):
    formatter_class = RussianFormatter


def _label(text: str) -> str:
    from objcoach.i18n.help_ru import LABELS

    return LABELS.get(text, text)


def _described(text: str) -> str:
    """An option's description: the help option's own text, and the bracket of extras, in Russian."""
    text = _label(text)

    def extras(match: re.Match[str]) -> str:
        parts = []
        for part in match.group(1).split("; "):
            name, colon, value = part.partition(":")
            parts.append(f"{_label(name)}{colon}{value}")
        return f"[{'; '.join(parts)}]"

    return _EXTRA.sub(extras, text)


def localised_usage_error(error: Any, ui: str) -> Any:
    """A usage error (an unknown option, a missing argument, a bad value) as click shows it, in `ui`: its
    message through the table of click's phrasings, and the lines around it in Russian. A group run with
    nothing after it (click's NoArgsIsHelpError) is its help, already in `ui`: it stays as it is."""
    from typer._click.exceptions import NoArgsIsHelpError

    if ui != "ru" or isinstance(error, NoArgsIsHelpError):
        return error
    from objcoach.i18n.help_ru import ARGUMENTS, LABELS, USAGE_ERRORS

    message = error.format_message()  # some errors (a missing or bad value) build their message only here
    for pattern, replacement in USAGE_ERRORS:
        message = re.sub(pattern, replacement, message)
    message = re.sub(r"«(\w+)»", lambda found: f"«{ARGUMENTS.get(found[1], found[1])}»", message)
    if error.ctx is not None:  # its usage line, with the argument names and words of the help
        error.ctx.command = localise(copy.deepcopy(error.ctx.command), ui)
        error.ctx.formatter_class = RussianFormatter

    def show(file: Any = None) -> None:
        from typer._click.utils import echo

        if error.ctx is not None:
            hint = LABELS["Try"].format(command=f"{error.ctx.command_path} {error.ctx.help_option_names[0]}")
            echo(f"{error.ctx.get_usage()}\n{hint}\n", file=file, err=True)
        echo(f"{LABELS['Error']}: {message}", file=file, err=True)

    error.show = show
    return error
