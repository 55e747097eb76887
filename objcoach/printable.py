"""Text made safe to print: what a catalog, a reply, a file name or a database holds must reach a terminal as
characters, never as commands to it.

C0 and C1 control characters (ESC, CSI U+009B, BEL, backspace, carriage return, DEL...) would let text clear
the screen, set the window title, move the cursor or overwrite what was printed; they are shown as \\xNN
instead. \\n and \\t are kept: they lay text out. Unicode bidi controls (U+202A–U+202E, U+2066–U+2069, the
marks U+200E, U+200F, U+061C) reorder what is shown around them; they are dropped. Imports nothing and
compiles nothing, so every printer can afford it.
"""

from __future__ import annotations

_CONTROLS = (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))

# one table built once: str.translate is the cheapest way to clean a whole text
_TABLE: dict[int, str | None] = {**{code: f"\\x{code:02x}" for code in _CONTROLS}, **dict.fromkeys(_BIDI)}

# JSON keeps every character: the ones json.dumps(ensure_ascii=False) writes raw become \\uXXXX escapes
_JSON_TABLE = {code: f"\\u{code:04x}" for code in (*range(0x7F, 0xA0), *_BIDI)}


def printable(text: str) -> str:
    """`text` with control characters shown as \\xNN and bidi controls removed (\\n and \\t kept)."""
    return text if _plain(text) else text.translate(_TABLE)


def _plain(text: str) -> bool:
    """True for most text, found out in C: str.isprintable() is false for every character of the table
    (and for a few harmless ones, such as a no-break space, which then take the slower translate). A
    translate of Cyrillic text looks each character up in the table, ten times slower."""
    return text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable()


def escapes(char: str) -> str:
    """What `printable` makes of one character."""
    return char.translate(_TABLE)


def json_printable(dumped: str) -> str:
    """JSON text from json.dumps(..., ensure_ascii=False) with the C1 controls, DEL and bidi controls it
    leaves raw written as \\uXXXX escapes: the same JSON value, safe to print (C0 controls are escaped
    by json.dumps already)."""
    return dumped if _plain(dumped) else dumped.translate(_JSON_TABLE)
