"""One error hierarchy: cli.py turns these into a message and an exit code."""

from __future__ import annotations


class ObjcoachError(Exception):
    """A user-facing problem; never shown with a traceback."""

    exit_code = 2


class CatalogError(ObjcoachError):
    """A catalog could not be read or is invalid; `problems` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ObjectionNotFoundError(ObjcoachError):
    """No objection matches the id or words given (or several match equally)."""


class InputError(ObjcoachError):
    """A file or argument the user gave cannot be used."""


class HistoryWarning(UserWarning):
    """Something stored that cannot be read as it should (an odd row): shown or left out, and the command
    goes on. The command line prints it as one line on stderr."""
