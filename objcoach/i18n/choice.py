"""How the UI language is chosen: --lang, OBJCOACH_LANG, the settings file, the content, the locale. Apart from
the messages (i18n/__init__.py) because it reads the settings file: the messages are below everything, errors
included, and must not depend on where objcoach keeps its files."""

from __future__ import annotations

import locale
import os
from collections.abc import Callable

from objcoach.catalog.model import LANGS

LANG_ENV = "OBJCOACH_LANG"


def ui_language(explicit: str | None = None, content: str | None = None) -> str:
    """The one rule for the UI language of every command: --lang, then OBJCOACH_LANG, then config.yaml's
    lang, then the language of the content at hand, then the locale, then en."""
    return language_and_source(explicit, content)[0]


def language_and_source(explicit: str | None = None, content: str | None = None) -> tuple[str, str]:
    """The UI language and what chose it: "option", "env", "config", "content", "locale" or "default"."""
    from objcoach.paths import read_config

    candidates: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("option", lambda: explicit), ("env", lambda: os.environ.get(LANG_ENV)),
        ("config", lambda: read_config().get("lang")), ("content", lambda: content), ("locale", _locale_language))
    for source, candidate in candidates:  # each looked at only when those before it say nothing usable
        value = candidate()
        if value:
            short = value.strip().lower()[:2]
            if short in LANGS:
                return short, source
    return "en", "default"


FIRST_RUN_HINT = (
    "English is chosen from your system's locale. Для занятий на русском: objcoach drill --lang ru, "
    "или OBJCOACH_LANG=ru, или один раз: objcoach config set lang ru "
    "(for English always: objcoach config set lang en).")


def first_run_hint(lang: str, source: str) -> str | None:
    """Said once, on the first drill or exam, when nobody chose the language and the locale gave English: how
    to switch, in both languages (the operator may not read the one that was chosen). `lang` and `source` are
    what language_and_source gave the command, so config.yaml is read once."""
    if lang == "ru" or source not in ("locale", "default"):
        return None
    from objcoach.paths import home

    marker = home() / ".language-hint-shown"
    if marker.exists():
        return None
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        return None  # a read-only home: better unsaid than said on every run
    return FIRST_RUN_HINT


def _locale_language() -> str | None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return value
    try:
        return locale.getlocale()[0]
    except ValueError:  # pragma: no cover - broken locale settings
        return None
