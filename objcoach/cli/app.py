"""The `objcoach` Typer app: the top-level options, then the commands of each module, in the order
`objcoach --help` lists them.

Each command module keeps its commands on its own `commands = typer.Typer()`; added here without a name,
they become top-level commands. `db` is a group of subcommands. The modules import only Typer at the
top: what a command needs (the catalog, the scorer, Rich) is imported inside it, when it runs.
"""

from typing import Annotated

import typer

from objcoach import __version__
from objcoach.cli import catalog, mentor, practice, team

app = typer.Typer(
    name="objcoach",
    help="Practise answering client objections, score replies, and keep the catalog in shape.\n\n"
    "Examples:\n\n"
    "  objcoach drill                     (five objections with coaching)\n\n"
    "  objcoach exam --time-limit 60      (a self-quiz before a shift)\n\n"
    "  objcoach score bank-already-chosen \"Понимаю вас... Давайте пришлю условия?\"\n\n"
    "  objcoach suggest \"уже выбрал банк\"\n\n"
    "  objcoach grade replies.jsonl --output scored.jsonl",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
for module in (catalog, practice, mentor, team):
    app.add_typer(module.commands)
app.add_typer(team.db_commands, name="db")


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
