"""The command line's frame: the Typer app, the table of commands, and what every command shares.

The commands live in cli_catalog.py, cli_practice.py and cli_mentor.py. Only the command being run is
imported and turned into a click command (see LazyGroup): building all of them costs more than
everything a `score` does besides importing Typer.

This is the one place where an ObjcoachError becomes a message and an exit code:
0 ok, 1 a check failed, 2 bad input or usage, 130 interrupted.
"""

import functools
import inspect
import sys
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from objcoach import __version__
from objcoach.errors import InputError, ObjcoachError

# Every command and the module that defines it, in the order `objcoach --help` lists them.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(["score", "grade", "suggest", "calibrate", "list", "show", "techniques", "validate"],
                    "objcoach.cli.catalog"),
    **dict.fromkeys(["drill", "exam", "stats", "history", "leaderboard"], "objcoach.cli.practice"),
    **dict.fromkeys(["new-catalog", "add", "review", "report", "export", "import", "assign", "assignments", "db"],
                    "objcoach.cli.mentor"),
}

# What the command modules registered: a command's CommandInfo, or a group's own Typer app.
_registered: dict[str, CommandInfo | typer.Typer] = {}
_infos = typer.Typer()  # makes each CommandInfo exactly as app.command would


class LazyGroup(TyperGroup):
    """The top-level group. Its commands are imported and built when looked up, so running one
    command builds one; the help listing needs only each command's docstring."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        added = dict(self.commands)  # any registered on `app` itself the usual way (none of ours)
        self.commands = _Commands()
        self.commands.update(added)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and cmd_name in COMMANDS:
            return _summary(cmd_name)
        return super().get_command(ctx, cmd_name)


class _Commands(MutableMapping[str, Any]):
    """Name -> click command, each built on first access. Lists every name without building any."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = _build(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("objcoach's commands cannot be removed")

    def __iter__(self) -> Iterator[str]:
        return iter([*COMMANDS, *(name for name in self._built if name not in COMMANDS)])

    def __len__(self) -> int:
        return len(COMMANDS) + sum(name not in COMMANDS for name in self._built)


def _registration(name: str) -> CommandInfo | typer.Typer:
    if name not in _registered:
        __import__(COMMANDS[name])
    if name not in _registered:
        raise RuntimeError(f"{COMMANDS[name]} does not define the command {name!r}")
    return _registered[name]


def _build(name: str) -> Any:
    """The click command Typer would have built for `name` as part of the whole app."""
    found = _registration(name)
    if isinstance(found, typer.Typer):
        return get_group_from_info(TyperInfo(found, name=name), pretty_exceptions_short=app.pretty_exceptions_short,
                                   suggest_commands=app.suggest_commands, rich_markup_mode=app.rich_markup_mode)
    return get_command_from_info(found, pretty_exceptions_short=app.pretty_exceptions_short,
                                 rich_markup_mode=app.rich_markup_mode)


def _summary(name: str) -> Any:
    """Enough of a command for the help listing (name, one-line help), without its options."""
    found = _registration(name)
    if isinstance(found, typer.Typer):
        return _build(name)  # a group: its help comes from the Typer app, and it is small
    doc = inspect.getdoc(found.callback) if found.help is None else inspect.cleandoc(found.help)
    return TyperCommand(name, help=doc, short_help=found.short_help, hidden=found.hidden,
                        deprecated=found.deprecated, rich_markup_mode=app.rich_markup_mode)


app = typer.Typer(
    name="objcoach",
    help="Practise answering client objections, score replies, and keep the catalog in shape.\n\n"
    "Examples:\n\n"
    "  objcoach drill                     (five objections with coaching)\n\n"
    "  objcoach exam --time-limit 60      (a self-quiz before a shift)\n\n"
    "  objcoach score bank-already-chosen \"Понимаю вас... Давайте пришлю условия?\"\n\n"
    "  objcoach suggest \"уже выбрал банк\"\n\n"
    "  objcoach grade replies.jsonl --output scored.jsonl",
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])

CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option("--catalog", "-c", help="Another catalog YAML to load with the bundled one (repeatable; "
                 "also OBJCOACH_CATALOG).", show_default=False),
]
LangOpt = Annotated[str | None, typer.Option("--lang", "-l", help="Language: ru or en.", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table or panel.")]
SinceOpt = Annotated[str | None, typer.Option(help="Only since: 7d, 12h, 2w or a date like 2026-11-01.",
                                              show_default=False)]
DbOpt = Annotated[str | None, typer.Option("--db", help="History database (default: OBJCOACH_DB, then "
                                           "history.sqlite3 in OBJCOACH_HOME).", show_default=False)]
OperatorOpt = Annotated[str | None, typer.Option("--operator", "-o", help="Whose practice this is (default: the "
                                                 "config file, then the OS user).", show_default=False)]


def command(name: str, *, on: typer.Typer | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register a command (on `app`, or on the group `on`) that turns ObjcoachError into a message and an
    exit code, and Ctrl-C into 130."""

    def register(function: F) -> F:
        @functools.wraps(function)
        def run(*a: Any, **k: Any) -> Any:
            try:
                return function(*a, **k)
            except ObjcoachError as error:
                _error(str(error))
                raise typer.Exit(error.exit_code) from None
            except KeyboardInterrupt:
                _error("interrupted")
                raise typer.Exit(130) from None
            except BrokenPipeError:  # `objcoach grade ... | head`
                sys.stderr.close()
                raise typer.Exit(0) from None

        if on is not None:
            on.command(name, **kwargs)(run)
        else:
            _infos.command(name, **kwargs)(run)
            _registered[name] = _infos.registered_commands.pop()
        return function

    return register


def group(name: str, commands: typer.Typer) -> None:
    """Register a group of subcommands (`objcoach db ...`) under `name`."""
    _registered[name] = commands


def _error(message: str) -> None:
    for line in message.splitlines() or [message]:
        sys.stderr.write(f"objcoach: {line}\n")
    sys.stderr.flush()


def _print_json(value: Any) -> None:
    import json

    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _check_lang(lang: str | None) -> str | None:
    if lang is None:
        return None
    short = lang.strip().lower()
    if short not in ("ru", "en"):
        raise InputError(f"--lang should be ru or en, not {lang!r}")
    return short


def _version(value: bool) -> None:
    if value:
        typer.echo(f"objcoach {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """objcoach: a terminal coach for answering client objections (Russian and English)."""
    _use_utf8()


def _use_utf8() -> None:
    """Russian text must survive a terminal or pipe whose encoding is not UTF-8 (LANG=C on old
    systems, a latin-1 locale): write and read UTF-8 anyway and say once what to set."""
    import io

    changed = []
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if isinstance(stream, io.TextIOWrapper) and encoding not in ("utf8", "utf8sig"):
            stream.reconfigure(encoding="utf-8", errors="replace")
            changed.append(encoding or "unknown")
    if changed:
        sys.stderr.write(f"objcoach: the terminal's encoding is {changed[0]}; writing UTF-8. If Russian text "
                         "looks wrong, set a UTF-8 locale, e.g. export LANG=C.UTF-8\n")


class AtomicOutput:
    """stdout, or a temporary file renamed over `path` only when everything was written."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.temp: Path | None = None

    def __enter__(self) -> Any:
        if self.path is None:
            return sys.stdout
        import tempfile

        folder = self.path.resolve().parent
        if not folder.is_dir():
            raise InputError(f"{self.path}: folder {folder} does not exist")
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=folder,
                                             prefix=f".{self.path.name}.", suffix=".tmp", delete=False)
        self.temp = Path(handle.name)
        self.handle = handle
        return handle

    def __exit__(self, kind: Any, value: Any, trace: Any) -> None:
        if self.temp is None:
            sys.stdout.flush()
            return
        self.handle.close()
        if kind is None:
            import os

            from objcoach.catalog.edit import default_mode

            assert self.path is not None
            os.chmod(self.temp, self.path.stat().st_mode & 0o777 if self.path.exists() else default_mode())
            os.replace(self.temp, self.path)
        else:
            self.temp.unlink(missing_ok=True)


if __name__ == "__main__":  # pragma: no cover
    app()
