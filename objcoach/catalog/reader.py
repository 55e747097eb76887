"""Safe YAML reading that keeps where every value came from.

The catalog is composed into YAML nodes (never constructed into Python objects by PyYAML), so no
tag can run code, and every problem can name its file, line, column and field path. Problems are
collected, not raised one by one, so a mentor sees all of them at once.

PyYAML's C parser (libyaml) composes the nodes; they are kept as light `Node` tuples.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from objcoach.catalog.cache import MAX_FILE_BYTES, NotRegularFileError, TooBigError, read_regular
from objcoach.errors import MAX_LISTED

try:  # the C parser is several times faster; PyYAML without libyaml still works
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Composes nodes without guessing scalar types: the catalog reader converts each field itself
    (a number where a number belongs), and PyYAML's type guessing, in Python even under the C parser,
    is where most of the parsing time went."""

    yaml_implicit_resolvers: dict[str, list[object]] = {}  # noqa: RUF012  (PyYAML reads it per class)

SCALAR, MAPPING, SEQUENCE = "scalar", "mapping", "sequence"


class Node(NamedTuple):
    """A composed YAML value and where it starts (1-based, as messages show it)."""

    kind: str  # SCALAR, MAPPING or SEQUENCE
    value: Any  # SCALAR: the text; MAPPING: a list of (key, value) node pairs; SEQUENCE: a list of nodes
    line: int
    column: int
    tag: str | None = None  # a tag other than the usual one for the kind


MAX_NODES = 2_000_000  # more than any real catalog; stops alias bombs in bounded time

_NULL_TAG = "tag:yaml.org,2002:null"
_PLAIN_TAGS = {
    None,  # the usual tag for the node's kind
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    _NULL_TAG,
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_USUAL_TAGS = {SCALAR: "tag:yaml.org,2002:str", SEQUENCE: "tag:yaml.org,2002:seq", MAPPING: "tag:yaml.org,2002:map"}


@dataclass
class Problems:
    """Problems found in one or more files, each as `file:line:col: path: message`: the first MAX_LISTED
    described in `lines`, the rest counted in `more`."""

    lines: list[str] = field(default_factory=list)
    budget: int = MAX_NODES
    more: int = 0

    @property
    def full(self) -> bool:
        return len(self.lines) >= MAX_LISTED

    def add(self, where: str, path: str, message: str) -> None:
        if self.full:
            self.more += 1
            return
        self.lines.append(f"{where}: {path}: {message}" if path else f"{where}: {message}")

    def __bool__(self) -> bool:
        return bool(self.lines)


def where(file: str, node: Node) -> str:
    return f"{file}:{node.line}:{node.column}"


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text (UTF-8, a BOM allowed), or None with a problem recorded."""
    name = str(path)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except NotRegularFileError:
        problems.add(name, "", "is not a regular file (a device, FIFO or socket can't be a catalog)")
        return None
    except TooBigError as error:
        most = MAX_FILE_BYTES // (1024 * 1024)
        size = f"{error.size // (1024 * 1024)} MB" if error.size else f"over {most} MB"
        problems.add(name, "", f"file is {size}; a catalog may be at most {most} MB")
        return None
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


def compose(text: str, name: str, problems: Problems) -> Node | None:
    """Parse YAML into nodes; a syntax error becomes one problem with its location."""
    try:
        composed = yaml.compose(text, Loader=_Loader)
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
    if composed is None:
        problems.add(name, "", "the file is empty")
        return None
    node = from_yaml(composed)
    # aliases need an anchor ("&name"): without one, the node count is the file's own size
    size = expanded_size(node, MAX_NODES) if "&" in text and "*" in text else 0
    if size > MAX_NODES:
        problems.add(where(name, node), "", f"the YAML expands to more than {MAX_NODES:,} values (aliases "
                     "repeated without end?); a catalog is refused before it is read")
        return None
    return node


def from_yaml(root: yaml.Node) -> Node:
    """PyYAML's nodes as light ones. A node reached through several aliases becomes one shared node
    (so this takes time in proportion to the file, not to its expansion), and a cycle stays a cycle."""
    made: dict[int, Node] = {}
    unfilled: list[yaml.Node] = []

    def light(node: yaml.Node) -> Node:
        found = made.get(id(node))
        if found is None:
            kind = (MAPPING if isinstance(node, yaml.MappingNode) else SEQUENCE
                    if isinstance(node, yaml.SequenceNode) else SCALAR)
            mark = node.start_mark
            found = made[id(node)] = Node(kind, node.value if kind == SCALAR else [], mark.line + 1,
                                          mark.column + 1, None if node.tag == _USUAL_TAGS[kind] else node.tag)
            if kind != SCALAR:
                unfilled.append(node)
        return found

    top = light(root)
    while unfilled:  # a loop, not recursion: composed YAML may nest deeper than Python's stack
        node = unfilled.pop()
        children = made[id(node)].value
        if isinstance(node, yaml.MappingNode):
            children.extend((light(key), light(value)) for key, value in node.value)
        else:
            children.extend(light(item) for item in node.value)
    return top


def expanded_size(root: Node, limit: int) -> int:
    """How many values the document holds once every alias is expanded, counted without expanding
    anything (an alias is a shared node, so sizes are added up once per node): an alias bomb is caught
    in time and memory proportional to the file, not to its expansion. Stops counting past `limit`;
    a node that contains itself expands without end."""
    sizes: dict[int, int] = {}
    started: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
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
        if key in started:  # reached again from inside itself (depth first, children before parents)
            return limit + 1
        started.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes.get(id(root), 0)


def _children(node: Node) -> list[Node]:
    if node.kind == MAPPING:
        return [part for pair in node.value for part in pair]
    if node.kind == SEQUENCE:
        return list(node.value)
    return []


class Reader:
    """Typed access to composed nodes of one file, recording problems instead of raising."""

    def __init__(self, file: str, problems: Problems) -> None:
        self.file = file
        self.problems = problems

    def where(self, node: Node) -> str:
        return where(self.file, node)

    def fail(self, node: Node, path: str, message: str) -> None:
        self.problems.add(self.where(node), path, message)

    def _spend(self, node: Node) -> bool:
        self.problems.budget -= 1
        if node.tag is None and self.problems.budget > 0:
            return True  # the usual case, in short
        if self.problems.budget == 0:
            self.fail(node, "", "too many YAML nodes (is an alias expanding without end?)")
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, "", f"tag {node.tag!r} is not allowed: a catalog holds plain data only")
            return False
        return self.problems.budget > 0

    def mapping(self, node: Node, path: str, allowed: tuple[str, ...] | None = None,
                ) -> dict[str, tuple[Node, Node]]:
        """Keys to (key node, value node). Unknown and duplicate keys are problems."""
        if not self._spend(node):
            return {}
        if node.kind != MAPPING:
            self.fail(node, path, f"should be a mapping (key: value), not {_kind(node)}")
            return {}
        result: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.kind == SCALAR else ""
            if not key:
                self.fail(key_node, path, "keys must be plain words")
            elif key in result:
                first = self.where(result[key][0])
                self.fail(key_node, f"{path}.{key}" if path else key, f"duplicate key (first at {first})")
            elif allowed is not None and key not in allowed:
                # past the problems listed only the count matters: spare the search for a close key
                self.fail(key_node, f"{path}.{key}" if path else key,
                          "" if self.problems.full else _unknown_key(key, allowed))
            else:
                result[key] = (key_node, value_node)
        return result

    def sequence(self, node: Node, path: str) -> Sequence[Node]:
        if not self._spend(node):
            return ()
        if node.kind != SEQUENCE:
            self.fail(node, path, f"should be a list, not {_kind(node)}")
            return ()
        items: list[Node] = node.value
        return items

    def string(self, node: Node, path: str) -> str | None:
        usual = self._usual_text(node)
        if usual is not None:
            return usual
        if not self._spend(node):
            return None
        if node.kind != SCALAR or node.tag == _NULL_TAG:
            self.fail(node, path, f"should be text, not {_kind(node)}")
            return None
        value: str = node.value.strip()
        if not value:
            self.fail(node, path, "is empty")
            return None
        return value

    def integer(self, node: Node, path: str, low: int, high: int) -> int | None:
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

    def number(self, node: Node, path: str) -> float | None:
        text = self.string(node, path)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            self.fail(node, path, f"should be a number, not {text!r}")
            return None

    def strings(self, node: Node, path: str) -> tuple[str, ...]:
        """A list of texts; a single text is accepted as a list of one."""
        if node.kind == SCALAR and node.tag is None:
            value = self.string(node, path)
            return (value,) if value else ()
        values = []
        for index, item in enumerate(self.sequence(node, path)):
            value = self._usual_text(item) or self.string(item, f"{path}[{index}]")
            if value:
                values.append(value)
        return tuple(values)

    def located_strings(self, node: Node, path: str) -> list[tuple[str, Node, str]]:
        """What strings() reads, each text with its node and field path, for a check of each item."""
        if node.kind == SCALAR and node.tag is None:
            value = self.string(node, path)
            return [(value, node, path)] if value else []
        found = []
        for index, item in enumerate(self.sequence(node, path)):
            value = self._usual_text(item) or self.string(item, f"{path}[{index}]")
            if value:
                found.append((value, item, f"{path}[{index}]"))
        return found

    def _usual_text(self, node: Node) -> str | None:
        """The text of an ordinary non-empty scalar, spending its budget: what string() concludes for
        nearly every node, without building the path its messages would need. None (spending nothing)
        for anything else, which string() then looks at."""
        if node.kind == SCALAR and node.tag is None and self.problems.budget > 1:
            value: str = node.value.strip()
            if value:
                self.problems.budget -= 1
                return value
        return None

    def items(self, node: Node, path: str) -> Iterator[tuple[int, Node]]:
        yield from enumerate(self.sequence(node, path))


def _kind(node: Node) -> str:
    if node.kind == MAPPING:
        return "a mapping"
    if node.kind == SEQUENCE:
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing (null)"
    return f"{node.value!r}"


def _unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(allowed)})"
    return f"unknown key '{key}'{hint}"
