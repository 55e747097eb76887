"""A fast composer for the plain YAML that catalogs are written in.

PyYAML composes a 10,000-objection catalog at about 2 MB/s even with libyaml: most of the time goes to
building a Python node and two mark objects per value. Catalogs use a small part of YAML — block
mappings and lists, flow mappings and lists (which may wrap onto further lines), quoted and plain
scalars on one line, comments — and that part is read here with str methods and a few compiled
regular expressions.

Anything else — anchors, aliases, tags, block and multi-line scalars, tabs, unusual indicators and
escapes, document markers, and every syntax error — makes `compose_fast` return None, and PyYAML
composes the file instead. Either way the nodes are the same, values and locations alike; the tests
compare the two on every catalog and fixture we have and on generated ones.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

SCALAR, MAPPING, SEQUENCE = "scalar", "mapping", "sequence"


class Node(NamedTuple):
    """A composed YAML value and where it starts (1-based, as messages show it). A plain tuple rather
    than PyYAML's node with two mark objects: a large catalog has half a million of them."""

    kind: str  # SCALAR, MAPPING or SEQUENCE
    value: Any  # SCALAR: the text; MAPPING: a list of (key, value) node pairs; SEQUENCE: a list of nodes
    line: int
    column: int
    tag: str | None = None  # a tag other than the usual one for the kind (only PyYAML's path sets it)


# Builds a Node without NamedTuple's Python-level __new__, twice as fast: `_new(Node, (kind, value,
# line, column, tag))`, for the hundreds of thousands of nodes of a large catalog.
_new = tuple.__new__


class _Unsupported(Exception):
    """The text leaves the subset read here (or is not valid YAML): PyYAML must read it."""


MAX_DEPTH = 64  # nesting deeper than any catalog's goes to PyYAML, which reports it
MAX_KEY = 200  # PyYAML refuses keys longer than 1,024 bytes; long keys go to it

# Anything YAML treats specially, or that we don't handle: a tab, a line break other than "\n", a
# byte-order mark, or a non-printable character (YAML refuses those).
_OUTSIDE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_MARKERS = ("---", "...")  # document markers, at a line's start
# A plain scalar may not start with an indicator ("-", "?" and ":" may when a non-space follows, but
# that is left to PyYAML); "\0" is the end-of-text sentinel.
_NOT_FIRST = " \n\0-?:,[]{}#&*!|>'\"%@`"

# The patterns are written as runs of one character class where they can be: Python's regex engine
# matches those many times faster than a choice per character.
_FIRST = "[^" + re.escape(_NOT_FIRST) + "]"
# In block context a plain scalar ends before ": ", a ":" at the line's end, " #" or trailing spaces: it
# is words separated by spaces, where a ":" must be followed by a non-space and a word may not start
# with "#". (A word that ends in "::" is left to PyYAML.)
_WORD_REST = r"[^ \n:]*(?::+[^ \n:]+)*"
_KEY = re.compile(rf"({_FIRST}{_WORD_REST}(?: +(?:[^ \n:#]|:+[^ \n:]){_WORD_REST})*) *:(?: +|(?=\n))")
_ENTRY = re.compile(r"- +")  # a block sequence entry with something after it on the line
# In flow context a plain scalar also ends at ",[]{}"; a ":", "?" or "#" in it is left to PyYAML, whose C
# and Python versions disagree about some of them.
_FLOW_PLAIN = re.compile(rf"{_FIRST}[^ \n:#,\[\]{{}}?]*(?: +[^ \n:#,\[\]{{}}?]+)*")
# A quoted scalar on one line: double-quoted (group 1) or single-quoted (2).
_QUOTED = re.compile(r'"([^"\\\n]*(?:\\[^\n][^"\\\n]*)*)"' + r"|'([^'\n]*(?:''[^'\n]*)*)'")
_SKIP = r"(?: *(?:#[^\n]*)?\n)* *"  # blank and comment lines, then the indentation of the next line
_START = re.compile(_SKIP)
_NEXT_LINE = re.compile(r"(?: +(?:#[^\n]*)?)?\n" + _SKIP)  # the rest of a value's line (a comment at most), then _SKIP
_GAP = re.compile(r"(?:[ \n]|(?<=[ \n])#[^\n]*)*")  # spaces, line breaks and comments inside a flow collection

_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}


def compose_fast(text: str) -> Node | None:
    """The nodes of `text`, or None when it is not in the subset read here (PyYAML then reads it)."""
    text = text.replace("\r\n", "\n")
    if _OUTSIDE.search(text) or text.startswith(_MARKERS) or "\n---" in text or "\n..." in text:
        return None
    try:
        return _Composer(text).document()
    except _Unsupported:
        return None


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) == 1:
        if code not in _ESCAPES:
            raise _Unsupported
        return _ESCAPES[code]
    number = int(code[1:], 16)
    if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:  # libyaml refuses these, PyYAML's Python reader not
        raise _Unsupported
    return chr(number)


class _Composer:
    """Reads the text forward once. `line` and `line_start` follow the position, so that every node
    gets its line and column. At block level `pos` is where the current line's content starts and
    `indent` its column (-1 at the end); a "- key: value" entry moves both to the key."""

    def __init__(self, text: str) -> None:
        self.text = text + "\n\0"  # a final line break, and a sentinel so no lookup runs off the end
        self.line = 1
        self.line_start = 0
        self.pos = 0
        self.indent = -1
        self._skip_to(0, _START.match(self.text).end())  # type: ignore[union-attr]  # matches "" at worst

    def document(self) -> Node:
        if self.indent < 0 or not _KEY.match(self.text, self.pos):
            raise _Unsupported  # empty, or not a mapping: not a catalog, and PyYAML says why
        root = self._mapping(0)
        if self.indent >= 0:
            raise _Unsupported
        return root

    # --- block context ------------------------------------------------------------------------

    def _skip_to(self, start: int, end: int) -> None:
        """Move from `start` on the current line to `end`, the start of a line's content."""
        text = self.text
        breaks = text.count("\n", start, end)
        if breaks:
            self.line += breaks
            self.line_start = text.rindex("\n", start, end) + 1
        self.pos = end
        self.indent = -1 if text[end] == "\0" else end - self.line_start

    def _next_line(self, at: int) -> None:
        """A value ended at `at`: only a comment may follow on its line. Move to the next content."""
        found = _NEXT_LINE.match(self.text, at)
        if found is None:
            raise _Unsupported
        self._skip_to(at, found.end())

    def _mapping(self, depth: int) -> Node:
        text, indent = self.text, self.indent
        if depth > MAX_DEPTH:
            raise _Unsupported
        pairs: list[tuple[Node, Node]] = []
        node = _new(Node, (MAPPING, pairs, self.line, indent + 1, None))
        while self.indent == indent:
            found = _KEY.match(text, self.pos)
            if found is None or found.end(1) - self.pos > MAX_KEY:
                raise _Unsupported
            line, line_start = self.line, self.line_start
            key = _new(Node, (SCALAR, found.group(1), line, indent + 1, None))
            value = self._inline(found.end(), depth)
            if value is None:  # on the following lines, or empty
                colon = text.index(":", found.end(1))
                empty = _new(Node, (SCALAR, "", line, colon - line_start + 2, None))  # PyYAML puts it there
                self._next_line(colon + 1)
                if self.indent > indent:
                    value = self._sequence(depth + 1) if _ENTRY.match(text, self.pos) else self._mapping(depth + 1)
                elif self.indent == indent and _ENTRY.match(text, self.pos):  # a list indented like the key
                    value = self._sequence(depth + 1)
                else:
                    value = empty
            pairs.append((key, value))
        if self.indent > indent:
            raise _Unsupported
        return node

    def _sequence(self, depth: int) -> Node:
        text, indent = self.text, self.indent
        if depth > MAX_DEPTH:
            raise _Unsupported
        items: list[Node] = []
        node = _new(Node, (SEQUENCE, items, self.line, indent + 1, None))
        while self.indent == indent:
            entry = _ENTRY.match(text, self.pos)
            if entry is None:
                break  # the end of a list indented like its key: the mapping goes on
            start = entry.end()
            if _KEY.match(text, start):  # "- key: value" starts a mapping at the key's column
                self.pos, self.indent = start, start - self.line_start
                items.append(self._mapping(depth + 1))
                continue
            value = self._inline(start, depth)
            if value is None:
                raise _Unsupported  # "-" with its value on the next lines
            items.append(value)
        if self.indent > indent:
            raise _Unsupported
        return node

    def _inline(self, at: int, depth: int) -> Node | None:
        """The value starting at `at` on the current line, then on to the next content line; None, staying
        put, when the line holds no value after its key or dash."""
        text = self.text
        first = text[at]
        if first == "\n" or first == "#":
            return None
        if first == "[" or first == "{":
            node, end = self._flow(at, depth + 1)
        else:
            value, end = self._quoted(at) if first == '"' or first == "'" else self._plain(at)
            node = _new(Node, (SCALAR, value, self.line, at - self.line_start + 1, None))
        self._next_line(end)
        return node

    def _plain(self, at: int) -> tuple[str, int]:
        """A plain scalar in block context: the rest of the line, but for a comment and trailing spaces.
        Found with str methods: a long text is the usual case, and a pattern scans it far more slowly."""
        text = self.text
        value = text[at : text.index("\n", at)].partition(" #")[0].rstrip(" ")
        if text[at] in _NOT_FIRST or ": " in value or value.endswith(":"):
            raise _Unsupported  # an indicator, or a key: not a plain scalar
        return value, at + len(value)

    def _quoted(self, at: int) -> tuple[str, int]:
        """A quoted scalar that ends on its line, and the offset after it."""
        text = self.text
        if text[at] == '"':  # the usual case, found with str methods (see _plain)
            end = text.find('"', at + 1)
            value = text[at + 1 : end]
            if "\\" not in value and "\n" not in value:  # else escapes, or no closing quote on the line
                return value, end + 1
        found = _QUOTED.match(text, at)
        if found is None:
            raise _Unsupported
        double, single = found.group(1, 2)
        if double is not None:
            return (_ESCAPE.sub(_unescape, double) if "\\" in double else double), found.end()
        return single.replace("''", "'"), found.end()

    # --- flow context ---------------------------------------------------------------------------

    def _gap(self, at: int) -> int:
        """Skip spaces, line breaks and comments inside a flow collection."""
        text = self.text
        end = _GAP.match(text, at).end()  # type: ignore[union-attr]  # matches "" at worst
        if "\n" in text[at:end]:
            self.line += text.count("\n", at, end)
            self.line_start = text.rindex("\n", at, end) + 1
        return end

    def _flow(self, at: int, depth: int) -> tuple[Node, int]:
        """The flow collection opening at `at`, and the offset after its closing bracket."""
        if depth > MAX_DEPTH:
            raise _Unsupported
        text = self.text
        is_mapping = text[at] == "{"
        closer = "}" if is_mapping else "]"
        items: list[Any] = []
        node = _new(Node, (MAPPING if is_mapping else SEQUENCE, items, self.line, at - self.line_start + 1, None))
        at += 1
        if text[at] in " \n":
            at = self._gap(at)
        if text[at] == closer:
            return node, at + 1
        while True:  # an entry starts at `at`
            if is_mapping:
                key, at = self._flow_item(at, depth)
                while text[at] == " ":  # "key : value" (a line break there is left to PyYAML)
                    at += 1
                if key.kind != SCALAR or text[at] != ":" or text[at + 1] not in " \n":
                    raise _Unsupported  # no value, or a ":" that PyYAML reads its own way
                at += 1
                if text[at] in " \n":
                    at = self._gap(at)
                value, at = self._flow_item(at, depth)
                items.append((key, value))
            else:
                value, at = self._flow_item(at, depth)
                items.append(value)
            if text[at] in " \n":
                at = self._gap(at)
            separator = text[at]
            at += 1
            if separator == closer:
                return node, at
            if separator != ",":
                raise _Unsupported
            if text[at] in " \n#":
                at = self._gap(at)
            # an empty entry or a trailing comma ("[a, , b]", "[a, ]") is left to PyYAML: _flow_item refuses it

    def _flow_item(self, at: int, depth: int) -> tuple[Node, int]:
        """The value at `at` in a flow collection, and the offset after it."""
        text = self.text
        first = text[at]
        if first == "[" or first == "{":
            return self._flow(at, depth + 1)
        if first == '"' or first == "'":
            value, end = self._quoted(at)
        else:
            found = _FLOW_PLAIN.match(text, at)
            if found is None:
                raise _Unsupported
            value, end = found.group(), found.end()
        return _new(Node, (SCALAR, value, self.line, at - self.line_start + 1, None)), end
