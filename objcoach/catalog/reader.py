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


class Problem(NamedTuple):
    """One problem: where, the field's path, and the message as a key of the i18n tables ("catalog." + key)
    with its values, so it is written in whichever language the reader has."""

    where: str
    path: str
    key: str
    values: dict[str, Any]

    def text(self, ui: str) -> str:
        message = _message(ui, self.key, self.values)
        return f"{self.where}: {self.path}: {message}" if self.path else f"{self.where}: {message}"


class Message(NamedTuple):
    """A message inside a message (what a value is: "a list", "nothing"), written in the reader's language too."""

    key: str
    values: dict[str, Any]


def _message(ui: str, key: str, values: dict[str, Any]) -> str:
    from objcoach.i18n import t

    filled = {name: _message(ui, value.key, value.values) if isinstance(value, Message) else value
              for name, value in values.items()}
    return t(ui, f"catalog.{key}", **filled)


@dataclass
class Problems:
    """Problems found in one or more files, each shown as `file:line:col: path: message`: the first
    MAX_LISTED kept in `found`, the rest counted in `more`."""

    found: list[Problem] = field(default_factory=list)
    budget: int = MAX_NODES
    more: int = 0

    @property
    def full(self) -> bool:
        return len(self.found) >= MAX_LISTED

    def add(self, where: str, path: str, key: str, /, **values: Any) -> None:
        if self.full:
            self.more += 1
            return
        self.found.append(Problem(where, path, key, values))

    def lines_in(self, ui: str) -> list[str]:
        return [problem.text(ui) for problem in self.found]

    @property
    def lines(self) -> list[str]:
        return self.lines_in("en")

    def __bool__(self) -> bool:
        return bool(self.found)


def where(file: str, node: Node) -> str:
    return f"{file}:{node.line}:{node.column}"


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text (UTF-8, a BOM allowed), or None with a problem recorded."""
    name = str(path)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except NotRegularFileError:
        problems.add(name, "", "not_regular")
        return None
    except TooBigError as error:
        most = MAX_FILE_BYTES // (1024 * 1024)
        if error.size:
            problems.add(name, "", "too_big", size=error.size // (1024 * 1024), most=most)
        else:
            problems.add(name, "", "too_big_unknown", most=most)
        return None
    except FileNotFoundError:
        problems.add(name, "", "no_file")
        return None
    except IsADirectoryError:
        problems.add(name, "", "folder")
        return None
    except OSError as error:
        problems.add(name, "", "unreadable", reason=error.strerror or error)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.add(f"{name}:{line}:{column}", "", "not_utf8")
        return None


def compose(text: str, name: str, problems: Problems) -> Node | None:
    """Parse YAML into nodes; a syntax error becomes one problem with its location."""
    try:
        composed = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        key, mark = syntax_problem(error, text)
        place = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problems.add(place, "", key, problem=error.problem or error.context)
        return None
    except yaml.YAMLError as error:
        problems.add(name, "", "yaml_error", problem=" ".join(str(error).split()))
        return None
    except RecursionError:
        problems.add(name, "", "too_deep")
        return None
    if composed is None:
        problems.add(name, "", "empty_file")
        return None
    node = from_yaml(composed)
    # aliases need an anchor ("&name"): without one, the node count is the file's own size
    size = expanded_size(node, MAX_NODES) if "&" in text and "*" in text else 0
    if size > MAX_NODES:
        problems.add(where(name, node), "", "alias_bomb", n=MAX_NODES)
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

    def fail(self, node: Node, path: str, key: str, /, **values: Any) -> None:
        self.problems.add(self.where(node), path, key, **values)

    def _spend(self, node: Node) -> bool:
        self.problems.budget -= 1
        if node.tag is None and self.problems.budget > 0:
            return True  # the usual case, in short
        if self.problems.budget == 0:
            self.fail(node, "", "too_many_nodes")
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, "", "tag", tag=node.tag)
            return False
        return self.problems.budget > 0

    def mapping(self, node: Node, path: str, allowed: tuple[str, ...] | None = None,
                ) -> dict[str, tuple[Node, Node]]:
        """Keys to (key node, value node). Unknown and duplicate keys are problems."""
        if not self._spend(node):
            return {}
        if node.kind != MAPPING:
            self.fail(node, path, "not_mapping", **_kind(node))
            return {}
        result: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.kind == SCALAR else ""
            if not key:
                self.fail(key_node, path, "plain_keys")
            elif key in result:
                first = self.where(result[key][0])
                self.fail(key_node, f"{path}.{key}" if path else key, "duplicate_key", first=first)
            elif allowed is not None and key not in allowed:
                # past the problems listed only the count matters: spare the search for a close key
                close = None if self.problems.full else _close_key(key, allowed)
                if close:
                    self.fail(key_node, f"{path}.{key}" if path else key, "unknown_key_close", key=key, close=close)
                    if close not in result:  # read it as the key it was meant to be: its own problems show now
                        result[close] = (key_node, value_node)
                else:
                    self.fail(key_node, f"{path}.{key}" if path else key, "unknown_key", key=key,
                              allowed=", ".join(allowed))
            else:
                result[key] = (key_node, value_node)
        return result

    def sequence(self, node: Node, path: str) -> Sequence[Node]:
        if not self._spend(node):
            return ()
        if node.kind != SEQUENCE:
            self.fail(node, path, "not_list", **_kind(node))
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
            self.fail(node, path, "not_text", **_kind(node))
            return None
        value: str = node.value.strip()
        if not value:
            self.fail(node, path, "empty")
            return None
        return value

    def integer(self, node: Node, path: str, low: int, high: int) -> int | None:
        text = self.string(node, path)
        if text is None:
            return None
        try:
            value = int(text)
        except ValueError:
            self.fail(node, path, "whole_number", low=low, high=high, text=text)
            return None
        if not low <= value <= high:
            self.fail(node, path, "out_of_range", low=low, high=high, value=value)
            return None
        return value

    def number(self, node: Node, path: str) -> float | None:
        text = self.string(node, path)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            self.fail(node, path, "number", text=text)
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


def _kind(node: Node) -> dict[str, Any]:
    """What a node is, for a message (a scalar is shown as written)."""
    if node.kind == MAPPING:
        return {"kind": Message("kind.mapping", {})}
    if node.kind == SEQUENCE:
        return {"kind": Message("kind.list", {})}
    if node.tag == _NULL_TAG:
        return {"kind": Message("kind.null", {})}
    return {"kind": Message("kind.value", {"value": node.value})}


def _close_key(key: str, allowed: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return close[0] if close else None


# PyYAML's parser messages as plain ones: (the parser's words, the message key). An unclosed quote or
# bracket is placed where it opens (the parser notices it only where the file or the value ends).
_SYNTAX = (
    ("while scanning a quoted scalar", "yaml.unclosed_quote"),
    ("found unknown escape character", "yaml.escape"),
    ("mapping values are not allowed", "yaml.colon"),
    ("expected ',' or ']'", "yaml.unclosed_list"),  # libyaml says "did not find expected", PyYAML "expected"
    ("expected ',' or '}'", "yaml.unclosed_mapping"),
    ("did not find expected key", "yaml.indent"),
    ("did not find expected '-' indicator", "yaml.indent"),
    ("expected <block end>", "yaml.indent"),
    ("could not find expected ':'", "yaml.no_colon"),
    ("found undefined alias", "yaml.alias"),
    ("found a tab character", "yaml.tab"),
    ("that cannot start any token", "yaml.bad_start"),
    ("found unexpected end of stream", "yaml.unexpected_end"),
)


_OPENED = ("yaml.unclosed_quote", "yaml.unclosed_list", "yaml.unclosed_mapping")  # shown where they open


def syntax_problem(error: yaml.MarkedYAMLError, text: str) -> tuple[str, Any]:
    """The message key for a YAML syntax error and the place to show it."""
    said = f"{error.context or ''} | {error.problem or ''}"
    key = next((key for words, key in _SYNTAX if words in said), "yaml.syntax")
    mark = error.problem_mark or error.context_mark
    if key in _OPENED and error.context_mark:
        mark = error.context_mark
    if key == "yaml.bad_start" and mark and text[mark.index:mark.index + 1] == "\t":
        key = "yaml.tab"
    return key, mark
