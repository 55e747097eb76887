"""`objcoach config`: the settings file (who practises, in which language) read and written from the command line."""

from typing import Annotated

import typer

from objcoach.cli.common import command_group, echo, guarded

config_commands = command_group(name="config", no_args_is_help=True,
                                help="Show or change your settings (operator, lang) in config.yaml.")


@config_commands.command("show")
@guarded
def config_show_command() -> None:
    """Print the settings and where the file is.

    Example:

      objcoach config show
    """
    from objcoach.paths import config_path, read_config

    settings = read_config()
    echo(f"# {config_path()}")
    for key, value in settings.items():
        echo(f"{key}: {value}")


@config_commands.command("set")
@guarded
def config_set_command(
    key: Annotated[str, typer.Argument(help="lang (ru or en) or operator (your name in the history).")],
    value: Annotated[str, typer.Argument(help="The new value.")],
) -> None:
    """Change one setting; the others stay as they are.

    Examples:

      objcoach config set lang ru

      objcoach config set operator anna
    """
    from objcoach.catalog.model import LANGS
    from objcoach.errors import InputError
    from objcoach.paths import write_setting

    if key == "lang":
        value = value.strip().lower()
        if value not in LANGS:
            raise InputError(said="config_lang", value=value)
    path = write_setting(key, value)
    echo(f"{key}: {value.strip()}  ({path})")


@config_commands.command("unset")
@guarded
def config_unset_command(
    key: Annotated[str, typer.Argument(help="lang or operator.")],
) -> None:
    """Remove one setting (objcoach then falls back to its default).

    Example:

      objcoach config unset lang
    """
    from objcoach.paths import write_setting

    write_setting(key, None)
