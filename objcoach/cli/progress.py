"""A progress count on stderr for commands that stream many rows, shown only where a person watches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def counted(items: Iterable[T], enabled: bool, label: str) -> Iterator[T]:
    """`items` as they are, with a spinner and `label` on stderr while they pass (when `enabled`); the
    label's {n} is the count so far ("{n} rows", from the messages: i18n "progress.*")."""
    if not enabled:
        yield from items
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from objcoach.cli.render import console

    with Progress(SpinnerColumn(), TextColumn(label.replace("{n}", "{task.completed}")), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(label)
        for item in items:
            bar.advance(task)
            yield item
