"""The `objcoach` Typer app: the top-level options, and where each command lives.

Each command module registers its commands in its `commands` table, each on a Typer app of its own (`db`
is a Typer group). The top-level group imports a module and has Typer build a command only when that
command runs — click's lazy-loading pattern (list_commands/get_command) on Typer's group — so `objcoach
score` imports one command module and builds one command, not twenty-two. The modules import only Typer
at the top: what a command needs (the catalog, the scorer, Rich) is imported inside it, when it runs.
"""

import difflib
from functools import cache
from importlib import import_module
from typing import Annotated, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from objcoach.version import __version__

# Every command, in the order `objcoach --help` lists them, and the module that defines it.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(["score", "grade", "suggest", "calibrate", "list", "show", "techniques", "validate"],
                    "objcoach.cli.catalog"),
    **dict.fromkeys(["drill", "exam", "stats", "history", "leaderboard"], "objcoach.cli.practice"),
    "roleplay": "objcoach.cli.roleplay",
    **dict.fromkeys(["new-catalog", "add", "review", "report"], "objcoach.cli.mentor"),
    "audit": "objcoach.cli.audit",
    **dict.fromkeys(["export", "import", "assign", "assignments", "db"], "objcoach.cli.team"),
    "config": "objcoach.cli.config",
}


@cache
def _built(name: str, ui: str = "en") -> Any:
    """The click command Typer builds for one command (for `db` and `config`, a group of subcommands), its
    help in language `ui`."""
    from objcoach.cli.helptext import localise

    module = import_module(COMMANDS[name])
    group = {"db": "db_commands", "config": "config_commands"}.get(name)
    return localise(typer.main.get_command(getattr(module, group) if group else module.commands.apps[name]), ui)


_ARGS = "objcoach.args"  # the run's arguments, kept in the context for the help's language


class LazyGroup(TyperGroup):
    # click's usage errors (an unknown option, a missing argument) are raised while the context is made and
    # while the command is invoked: both are caught here to be shown in the user's language
    def make_context(self, info_name: Any, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:
            raise _in_language(error, args) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            raise _in_language(error, ctx.meta.get(_ARGS, [])) from None

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta[_ARGS] = list(args)
        return list(super().parse_args(ctx, args))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        from objcoach.cli.helptext import language_of, wants_help

        args = ctx.meta.get(_ARGS, [])
        rest = args[args.index(cmd_name) + 1:] if cmd_name in args else args
        # the language is looked up only when this run may show help (a help flag, or a group with nothing after it)
        return _built(cmd_name, language_of(args) if wants_help(rest) else "en")

    def get_help(self, ctx: Any) -> str:
        from objcoach.cli.helptext import RussianFormatter, language_of, localise

        if language_of(ctx.meta.get(_ARGS, [])) == "ru":
            localise(self, "ru")
            ctx.formatter_class = RussianFormatter
        return str(super().get_help(ctx))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # Typer suggests a close name from the commands it holds, and this group holds none until asked
        try:
            return super().resolve_command(ctx, args)
        except typer.BadParameter:
            raise
        except Exception as error:
            close = difflib.get_close_matches(args[0], COMMANDS) if args else []
            if close and hasattr(error, "message") and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean {', '.join(map(repr, close))}?"
            raise

def _in_language(error: UsageError, args: list[str]) -> UsageError:
    from objcoach.cli.helptext import language_of, localised_usage_error

    return localised_usage_error(error, language_of(args))  # type: ignore[no-any-return]


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
    add_completion=True,  # objcoach --install-completion (bash, zsh, fish, PowerShell)
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"objcoach {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """objcoach: a terminal coach for answering client objections (Russian and English)."""
    _use_utf8()


def _use_utf8() -> None:
    """Russian text must survive a terminal or pipe whose encoding is not UTF-8 (LANG=C on old
    systems, a latin-1 locale): write and read UTF-8 anyway and say once what to set."""
    import io
    import sys

    changed = []
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if isinstance(stream, io.TextIOWrapper) and encoding not in ("utf8", "utf8sig"):
            stream.reconfigure(encoding="utf-8", errors="replace")
            changed.append(encoding or "unknown")
    if changed:
        sys.stderr.write(f"objcoach: the terminal's encoding is {changed[0]}; writing UTF-8. If Russian text "
                         "looks wrong, set a UTF-8 locale, e.g. export LANG=C.UTF-8\n")


if __name__ == "__main__":  # pragma: no cover
    app()
