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
        "proactive_purpose": "say at once why you are calling",
    },
}


def ui_language(explicit: str | None = None, content: str | None = None) -> str:
    """The one rule for the UI language of every command: --lang, then OBJCOACH_LANG, then config.yaml's
    lang, then the language of the content at hand, then the locale, then en."""
    from objcoach.paths import read_config

    candidates: tuple[Callable[[], str | None], ...] = (
        lambda: explicit, lambda: os.environ.get(LANG_ENV), lambda: read_config().get("lang"), lambda: content,
        _locale_language)
    for candidate in candidates:  # each looked at only when those before it say nothing usable
        value = candidate()
        if value:
            short = value.strip().lower()[:2]
            if short in LANGS:
                return short
    return "en"


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
