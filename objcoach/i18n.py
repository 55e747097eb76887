"""The UI's messages in Russian and English, and how the UI language is chosen."""

from __future__ import annotations

import locale
import os

from objcoach.models import LANGS

LANG_ENV = "OBJCOACH_LANG"

MESSAGES: dict[str, dict[str, str]] = {
    "ru": {
        "score": "Оценка",
        "verdict.excellent": "отлично",
        "verdict.good": "хорошо",
        "verdict.partial": "частично",
        "verdict.weak": "слабо",
        "verdict.fail": "не засчитано",
        "good_part": "Что получилось",
        "to_add": "Что добавить",
        "example": "Например",
        "closest_answer": "Ближайший образцовый ответ",
        "retry": "Попробуйте ещё раз и добавьте: {missing}.",
        "rephrase": "Попробуем иначе: клиент говорит «{client}». Что вы ответите, чтобы {goal}?",
        "hint": "Подсказка: {title} — начните с «{start}…»",
        "nothing_good": "В ответе пока нет того, что ждёт клиент.",
        "breakdown": "Из чего сложилась оценка",
        "component.closeness": "близость к образцу",
        "component.techniques": "техники",
        "component.key_points": "суть ответа",
        "component.cap": "ограничение",
        "component.form": "чистота ответа",
        "flag.empty": "пустой ответ",
        "flag.too_short": "слишком короткий ответ",
        "flag.dont_know": "«не знаю» вместо ответа",
        "flag.copy": "повтор слов клиента",
        "flag.stuffing": "набор слов вместо фраз",
        "flag.off_topic": "ответ не по теме",
        "flag.other_language": "ответ на другом языке",
        "flag.too_long": "слишком длинно для звонка",
        "flag.jab": "колкость в адрес клиента в конце",
        "issues": "Замечания",
        "technique_used": "техника «{title}»: «{evidence}»",
        "key_point_made": "по сути: «{evidence}»",
        "add_technique": "{title}",
        "add_key_point": "упомяните: {point}",
        "client": "Клиент",
        "context": "Ситуация",
        "domain": "Тема",
        "difficulty": "Сложность",
        "tags": "Метки",
        "checklist": "Шаги",
        "key_points": "Что важно сказать",
        "answers": "Образцовые ответы",
        "tips": "Совет",
        "source": "Источник",
        "id": "ID",
        "objection": "Возражение",
        "similarity": "Сходство",
        "best_answer": "Лучший ответ",
        "technique": "Техника",
        "why": "Зачем",
        "markers": "Маркеры",
        "examples": "Примеры",
        "count": "Всего: {n}",
        "valid": "{files}: каталог в порядке ({objections} возражений, {techniques} техник, {antipatterns} антипаттернов).",
        "invalid": "Найдено проблем: {n}.",
        "selftest_fail": "{origin}: {id} [{lang}] образцовый ответ набрал {score} ({verdict}); не хватает: {missing}; замечания: {flags}",
        "graded": "Оценено строк: {n}, с ошибками: {errors}.",
        "spearman": "Спирмен ρ",
        "pairs": "Пары в верном порядке",
        "rows": "Строк",
        "confusion": "Вердикт против оценки наставника",
        "worst": "Самые большие расхождения",
        "grade": "Оценка наставника",
        "reply": "Ответ",
        "harmful_ok": "Вредные ответы с оценкой «хорошо» и выше",
        "no_objections": "Нет возражений по этим условиям.",
        "lang_skipped": "Пропущено без перевода на {lang}: {n}.",
    },
    "en": {
        "score": "Score",
        "verdict.excellent": "excellent",
        "verdict.good": "good",
        "verdict.partial": "partial",
        "verdict.weak": "weak",
        "verdict.fail": "fail",
        "good_part": "What worked",
        "to_add": "What to add",
        "example": "For example",
        "closest_answer": "Closest model answer",
        "retry": "Try once more and add: {missing}.",
        "rephrase": "Let's put it another way: the client says \"{client}\". What would you say to {goal}?",
        "hint": "Hint: {title} — start with \"{start}…\"",
        "nothing_good": "The reply doesn't yet have what the client needs.",
        "breakdown": "Where the points came from",
        "component.closeness": "closeness to a model answer",
        "component.techniques": "techniques",
        "component.key_points": "substance",
        "component.cap": "cap",
        "component.form": "clean reply",
        "flag.empty": "empty reply",
        "flag.too_short": "reply too short",
        "flag.dont_know": "\"I don't know\" instead of an answer",
        "flag.copy": "the client's words repeated",
        "flag.stuffing": "a list of words, not sentences",
        "flag.off_topic": "off-topic reply",
        "flag.other_language": "reply in the other language",
        "flag.too_long": "too long for a call",
        "flag.jab": "a jab at the client at the end",
        "issues": "Issues",
        "technique_used": "technique \"{title}\": \"{evidence}\"",
        "key_point_made": "substance: \"{evidence}\"",
        "add_technique": "{title}",
        "add_key_point": "mention: {point}",
        "client": "Client",
        "context": "Situation",
        "domain": "Domain",
        "difficulty": "Difficulty",
        "tags": "Tags",
        "checklist": "Steps",
        "key_points": "What to mention",
        "answers": "Model answers",
        "tips": "Tip",
        "source": "Source",
        "id": "ID",
        "objection": "Objection",
        "similarity": "Similarity",
        "best_answer": "Best answer",
        "technique": "Technique",
        "why": "Why",
        "markers": "Markers",
        "examples": "Examples",
        "count": "Total: {n}",
        "valid": "{files}: catalog is valid ({objections} objections, {techniques} techniques, {antipatterns} antipatterns).",
        "invalid": "{n} problem(s) found.",
        "selftest_fail": "{origin}: {id} [{lang}] model answer scored {score} ({verdict}); missing: {missing}; flags: {flags}",
        "graded": "Graded {n} row(s), {errors} with errors.",
        "spearman": "Spearman ρ",
        "pairs": "Pairs in the right order",
        "rows": "Rows",
        "confusion": "Verdict against the mentor's grade",
        "worst": "Worst disagreements",
        "grade": "Mentor's grade",
        "reply": "Reply",
        "harmful_ok": "Harmful replies graded good or better",
        "no_objections": "No objections match these filters.",
        "lang_skipped": "Skipped, no {lang} text: {n}.",
    },
}

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


def ui_language(explicit: str | None = None, fallback: str | None = None) -> str:
    """--lang, then OBJCOACH_LANG, then the language of the content at hand, then the locale, then en."""
    for candidate in (explicit, os.environ.get(LANG_ENV), fallback, _locale_language()):
        if candidate:
            short = candidate.strip().lower()[:2]
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
