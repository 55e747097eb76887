"""One error hierarchy: cli.py turns these into a message and an exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class ObjcoachError(Exception):
    """A user-facing problem; never shown with a traceback. Raised with an i18n key (`said`) and its values,
    it is shown in the reader's language (`in_language`); raised with plain text, as written."""

    exit_code = 2

    def __init__(self, message: str = "", *, said: str = "", **values: object) -> None:
        self.said, self.values = said, values
        super().__init__(message or self.in_language("en"))

    def in_language(self, ui: str) -> str:
        if not self.said:
            return str(self)
        from objcoach.i18n import t

        # a value may itself be a message: (key, its values), written in the same language
        values = {name: t(ui, value[0], **value[1]) if isinstance(value, tuple) else value
                  for name, value in self.values.items()}
        return t(ui, f"error.{self.said}", **values)


# Problems described in one report (a catalog's, validate's); past these they are only counted, so a file
# of a million mistakes gives fifty lines and a count, not a million lines.
MAX_LISTED = 50


class CatalogError(ObjcoachError):
    """A catalog could not be read or is invalid; `problems` holds one line each (at most MAX_LISTED),
    `more` how many more were found."""

    def __init__(self, problems: list[str], more: int = 0,
                 lines_in: Callable[[str], list[str]] | None = None) -> None:
        self.problems = problems
        self.more = more
        self._lines_in = lines_in
        super().__init__("\n".join([*problems, *([f"... and {more} more problem(s)"] if more else [])]))

    def problems_in(self, ui: str) -> list[str]:
        """The problems in the reader's language (`problems` holds them in English)."""
        return self._lines_in(ui) if self._lines_in else self.problems


class ObjectionNotFoundError(ObjcoachError):
    """No objection matches the id or words given (or several match equally)."""


class InputError(ObjcoachError):
    """A file or argument the user gave cannot be used."""


class HistoryWarning(UserWarning):
    """Something stored that cannot be read as it should (an odd row): shown or left out, and the command
    goes on. The command line prints it as one line on stderr."""


class OutputError(ObjcoachError):
    """Output could not be written where it was asked for (a folder, a full disk, a closed device)."""
