"""A progress count on stderr for commands that stream many rows, shown only where a person watches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def counted(items: Iterable[T], enabled: bool, unit: str) -> Iterator[T]:
    """`items` as they are, with a spinner and "N <unit>" on stderr while they pass (when `enabled`)."""
    if not enabled:
        yield from items
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from objcoach.cli.render import console

    with Progress(SpinnerColumn(), TextColumn(f"{{task.completed}} {unit}"), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(unit)
        for item in items:
            bar.advance(task)
            yield item
