"""Safe YAML reading that keeps where every value came from.

The catalog is composed into YAML nodes (never constructed into Python objects by PyYAML), so no
tag can run code, and every problem can name its file, line, column and field path. Problems are
collected, not raised one by one, so a mentor sees all of them at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # the C parser is several times faster; PyYAML without libyaml still works
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Composes nodes without guessing scalar types: the catalog reader converts each field itself
    (a number where a number belongs), and PyYAML's type guessing, in Python even under the C parser,
    is where most of the parsing time went."""

    yaml_implicit_resolvers: dict[str, list[object]] = {}  # noqa: RUF012  (PyYAML reads it per class)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 2_000_000  # more than any real catalog; stops alias bombs in bounded time

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass
class Problems:
    """Problems found in one or more files, each as `file:line:col: path: message`."""

    lines: list[str] = field(default_factory=list)
    budget: int = MAX_NODES

    def add(self, where: str, path: str, message: str) -> None:
        self.lines.append(f"{where}: {path}: {message}" if path else f"{where}: {message}")

    def __bool__(self) -> bool:
        return bool(self.lines)


def where(file: str, node: yaml.Node) -> str:
    mark = node.start_mark
    return f"{file}:{mark.line + 1}:{mark.column + 1}"


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text (UTF-8, a BOM allowed), or None with a problem recorded."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(name, "", f"file is {size // (1024 * 1024)} MB; a catalog may be at most "
                         f"{MAX_FILE_BYTES // (1024 * 1024)} MB")
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(name, "", "no such file")
        return None
    except IsADirectoryError:
        problems.add(name, "", "is a folder, not a YAML file")
        return None
    except OSError as error:
        problems.add(name, "", f"cannot be read ({error.strerror or error})")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.add(f"{name}:{line}:{column}", "", "is not UTF-8 text (save the file as UTF-8)")
        return None


def compose(text: str, name: str, problems: Problems) -> yaml.Node | None:
    """Parse YAML into nodes; a syntax error becomes one problem with its location."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problems.add(place, "", f"YAML syntax error: {error.problem or error.context}")
        return None
    except yaml.YAMLError as error:
        problems.add(name, "", f"YAML error: {' '.join(str(error).split())}")
        return None
    except RecursionError:
        problems.add(name, "", "the YAML is nested too deeply to be a catalog")
        return None
    if node is None:
        problems.add(name, "", "the file is empty")
        return None
    # aliases need an anchor ("&name"): without one, the node count is the file's own size
    size = expanded_size(node, MAX_NODES) if "&" in text and "*" in text else 0
    if size > MAX_NODES:
        problems.add(where(name, node), "", f"the YAML expands to more than {MAX_NODES:,} values (aliases "
                     "repeated without end?); a catalog is refused before it is read")
        return None
    return node


def expanded_size(root: yaml.Node, limit: int) -> int:
    """How many values the document holds once every alias is expanded, counted without expanding
    anything (an alias is a shared node, so sizes are added up once per node): an alias bomb is caught
    in time and memory proportional to the file, not to its expansion. Stops counting past `limit`."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            total = 1 + sum(sizes.get(id(child), 0) for child in children)
            sizes[key] = min(total, limit + 1)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes.get(id(root), 0)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class Reader:
    """Typed access to composed nodes of one file, recording problems instead of raising."""

    def __init__(self, file: str, problems: Problems) -> None:
        self.file = file
        self.problems = problems

    def where(self, node: yaml.Node) -> str:
        return where(self.file, node)

    def fail(self, node: yaml.Node, path: str, message: str) -> None:
        self.problems.add(self.where(node), path, message)

    def _spend(self, node: yaml.Node) -> bool:
        self.problems.budget -= 1
        if self.problems.budget == 0:
            self.fail(node, "", "too many YAML nodes (is an alias expanding without end?)")
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, "", f"tag {node.tag!r} is not allowed: a catalog holds plain data only")
            return False
        return self.problems.budget > 0

    def mapping(self, node: yaml.Node, path: str, allowed: tuple[str, ...] | None = None,
                ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Keys to (key node, value node). Unknown and duplicate keys are problems."""
        if not self._spend(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, path, f"should be a mapping (key: value), not {_kind(node)}")
            return {}
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or not key:
                self.fail(key_node, path, "keys must be plain words")
                continue
            sub = f"{path}.{key}" if path else key
            if key in result:
                first = self.where(result[key][0])
                self.fail(key_node, sub, f"duplicate key (first at {first})")
                continue
            if allowed is not None and key not in allowed:
                self.fail(key_node, sub, _unknown_key(key, allowed))
                continue
            result[key] = (key_node, value_node)
        return result

    def sequence(self, node: yaml.Node, path: str) -> list[yaml.Node]:
        if not self._spend(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, path, f"should be a list, not {_kind(node)}")
            return []
        return list(node.value)

    def string(self, node: yaml.Node, path: str, *, allow_empty: bool = False) -> str | None:
        if not self._spend(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.fail(node, path, f"should be text, not {_kind(node)}")
            return None
        value = str(node.value).strip()
        if not value and not allow_empty:
            self.fail(node, path, "is empty")
            return None
        return value

    def integer(self, node: yaml.Node, path: str, low: int, high: int) -> int | None:
        text = self.string(node, path)
        if text is None:
            return None
        try:
            value = int(text)
        except ValueError:
            self.fail(node, path, f"should be a whole number from {low} to {high}, not {text!r}")
            return None
        if not low <= value <= high:
            self.fail(node, path, f"should be from {low} to {high}, not {value}")
            return None
        return value

    def number(self, node: yaml.Node, path: str) -> float | None:
        text = self.string(node, path)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            self.fail(node, path, f"should be a number, not {text!r}")
            return None

    def strings(self, node: yaml.Node, path: str) -> tuple[str, ...]:
        """A list of texts; a single text is accepted as a list of one."""
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            value = self.string(node, path)
            return (value,) if value else ()
        items = (self.string(item, f"{path}[{index}]") for index, item in enumerate(self.sequence(node, path)))
        return tuple(item for item in items if item)

    def items(self, node: yaml.Node, path: str) -> Iterator[tuple[int, yaml.Node]]:
        yield from enumerate(self.sequence(node, path))


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "nothing (null)"
    return f"{node.value!r}"


def _unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(allowed)})"
    return f"unknown key '{key}'{hint}"
