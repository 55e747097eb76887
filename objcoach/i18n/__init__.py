"""The UI's messages in Russian and English, and how the UI language is chosen."""

from __future__ import annotations

import locale
import os
from collections.abc import Callable

from objcoach.catalog.model import LANGS
from objcoach.i18n import en, ru

LANG_ENV = "OBJCOACH_LANG"

MESSAGES: dict[str, dict[str, str]] = {"ru": ru.MESSAGES, "en": en.MESSAGES}

REPHRASE_GOALS = {
    "ru": {
        "acknowledge": "клиент почувствовал, что его услышали",
        "respect_choice": "клиент почувствовал, что решение за ним",
        "clarify": "узнать, что для клиента важно",
        "benefit": "показать конкретную выгоду",
        "reframe": "повернуть возражение в пользу разговора",
        "next_step": "договориться о следующем шаге",
        "empathy_apology": "клиент услышал сочувствие",
        "take_ownership": "клиент понял, что вы займётесь вопросом",
        "explain_cause": "объяснить, почему так вышло",
        "offer_alternative": "дать клиенту выбор",
        "proactive_purpose": "сразу назвать цель звонка",
    },
    "en": {
        "acknowledge": "make the client feel heard",
        "respect_choice": "show the client the decision is theirs",
        "clarify": "find out what matters to the client",
        "benefit": "show a concrete benefit",
        "reframe": "turn the objection into a reason to talk",
        "next_step": "agree on the next step",
        "empathy_apology": "show the client some empathy",
        "take_ownership": "show you will take care of it",
        "explain_cause": "explain why it happened",
        "offer_alternative": "give the client a choice",
        "proactive_purpose": "make clear at once why you are calling",
    },
}


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


def first_run_hint(explicit: str | None) -> str | None:
    """Said once, on the first drill or exam, when nobody chose the language and the locale gave English: how
    to switch, in both languages (the operator may not read the one that was chosen)."""
    lang, source = language_and_source(explicit)
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


def t(ui: str, key: str, /, **values: object) -> str:
    """The message `key` in language `ui` (English when the key is missing there), with values filled in."""
    table = MESSAGES.get(ui, MESSAGES["en"])
    text = table.get(key) or MESSAGES["en"].get(key) or key
    return text.format(**values) if values else text
