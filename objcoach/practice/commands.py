"""The drill's slash commands as operators type them: /hint, its Russian name (/подсказка), or /hint typed with
the Russian keyboard layout on (.рште: the "/" key gives "." there), give or take one mistyped letter."""

from __future__ import annotations

COMMANDS = ("/hint", "/skip", "/answer", "/dispute", "/quit", "/help")
ALIASES = {"/подсказка": "/hint", "/пропустить": "/skip", "/ответ": "/answer", "/оспорить": "/dispute",
           "/выход": "/quit", "/помощь": "/help"}

# the same key on the Russian (ЙЦУКЕН) and the English (QWERTY) layout
_RU = "йцукенгшщзхъфывапролджэячсмитьбю."
_EN = "qwertyuiop[]asdfghjkl;'zxcvbnm,./"
_TO_LATIN = str.maketrans(_RU, _EN)


def read_command(text: str) -> tuple[str, str] | None:
    """(command, what follows it) when `text` is a command; None when it is a reply. A word starting with "/"
    is always a command (an unknown one is returned as typed, to be told so); one starting with "." is a
    command only when it reads as one on the other layout."""
    first, _, argument = text.strip().partition(" ")
    word = first.casefold()
    if word.startswith("/"):
        return _known(word) or _known(word.translate(_TO_LATIN)) or word, argument
    if word.startswith(".") and len(word) > 2:
        found = _known(word.translate(_TO_LATIN))
        if found:
            return found, argument
    return None


def _known(word: str) -> str | None:
    if word in COMMANDS:
        return word
    if word in ALIASES:
        return ALIASES[word]
    close = [command for command in (*COMMANDS, *ALIASES) if len(word) >= 4 and _one_edit(word, command)]
    found = {ALIASES.get(command, command) for command in close}
    return found.pop() if len(found) == 1 else None


def _one_edit(first: str, second: str) -> bool:
    """Whether one letter changed, dropped or added turns one word into the other."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return first == second
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    short, long = sorted((first, second), key=len)
    return any(long[:at] + long[at + 1:] == short for at in range(len(long)))
