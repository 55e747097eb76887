"""The UI's messages in Russian and English (how the UI language is chosen: i18n/choice.py)."""

from __future__ import annotations

from objcoach.i18n import en, ru

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


def t(ui: str, key: str, /, **values: object) -> str:
    """The message `key` in language `ui` (English when the key is missing there), with values filled in."""
    table = MESSAGES.get(ui, MESSAGES["en"])
    text = table.get(key) or MESSAGES["en"].get(key) or key
    return text.format(**values) if values else text
