"""The terminal side of a session: read replies (with line editing, or one per line from a pipe) and
print session events. Decides nothing: session.py runs the loop."""

from __future__ import annotations

import contextlib
import io
import sys
from typing import IO

from objcoach.cli import render, render_session
from objcoach.cli.names import Names
from objcoach.i18n import t
from objcoach.printable import printable


class Terminal:
    def __init__(self, ui: str, stdin: IO[str] | None = None, interactive: bool | None = None,
                 names: Names | None = None) -> None:
        self.ui = ui
        self.names = names or Names(None, ui)
        source = stdin or sys.stdin
        self.interactive = source.isatty() if interactive is None else interactive
        if self.interactive:
            with contextlib.suppress(ImportError):  # Windows has no readline
                import readline  # noqa: F401  (line editing and history for input())
            self.stdin = source
        else:
            # a pipe is read as UTF-8 whatever the locale says; undecodable bytes become U+FFFD
            buffer = getattr(source, "buffer", None)
            self.stdin = io.TextIOWrapper(buffer, encoding="utf-8", errors="replace") if buffer else source
        self.console = render.console()

    def ask(self, prompt: str) -> str | None:
        """One reply, or None at the end of input. Ctrl-C raises KeyboardInterrupt."""
        return self._line(f"{t(self.ui, f'prompt.{prompt}')}> ")

    def ask_text(self, label: str, default: str = "") -> str | None:
        """One line for a question of a wizard; the default is shown and taken for an empty line."""
        return self._line(f"{label} [{default}]: " if default else f"{label}: ")

    def _line(self, prompt: str) -> str | None:
        """A line typed at `prompt` (with line editing), or read from the pipe and echoed, so the transcript
        shows what was answered; None at the end of input."""
        if self.interactive:
            try:
                return input(printable(prompt))
            except EOFError:
                self.console.print()
                return None
            except KeyboardInterrupt:
                self.console.print()  # the summary starts on a line of its own
                raise
        line = self.stdin.readline()
        if not line:
            return None
        line = line.rstrip("\r\n")
        self.console.print(render.safe_text(prompt + line))
        return line

    def say(self, text: str) -> None:
        self.console.print(render.safe_text(text))

    def show(self, event: object) -> None:
        renderable = render_session.event(event, self.ui, self.names)
        if renderable is not None:
            self.console.print(renderable)
            self.console.print()
