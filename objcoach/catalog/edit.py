"""Write into a mentor's catalog without disturbing it: every byte already there stays as it was
(comments and order included), the change is the new text only, and the file is replaced atomically
(objcoach.io.atomic_write), so a crash leaves the original intact."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from objcoach.errors import InputError
from objcoach.io import atomic_write

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
ID_WORDS = 5


def suggest_id(words: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A short lowercase id from the client's words (Russian transliterated), unique among `taken`."""
    text = unicodedata.normalize("NFKC", words).casefold()
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    parts = [part for part in re.split(r"[^a-z0-9]+", latin) if part]
    base = "-".join(parts[:ID_WORDS]) or "objection"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def render_entry(entry: Mapping[str, Any], indent: int) -> str:
    """The entry as a block-style list item, indented to sit beside the file's other entries."""
    dumped = yaml.safe_dump([dict(entry)], allow_unicode=True, sort_keys=False, width=4096,
                            default_flow_style=False)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in dumped.splitlines(keepends=True))


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text`: on any failure the original file is left exactly as it was."""
    with atomic_write(path) as handle:
        handle.write(text)


def _read(path: Path) -> tuple[str, bytes]:
    from objcoach.catalog.cache import MAX_FILE_BYTES, read_regular

    try:
        data = read_regular(path, MAX_FILE_BYTES)  # bounded: `--to /dev/zero` must not fill the memory
    except OSError as error:
        raise InputError(said="not_read", path=path, reason=error.strerror) from None
    try:
        return data.decode("utf-8-sig"), data
    except UnicodeDecodeError:
        raise InputError(said="not_utf8", path=path) from None


def _compose(text: str, path: Path) -> yaml.Node | None:
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
        return node
    except yaml.YAMLError:
        raise InputError(said="edit_yaml", path=path) from None


def _bom(data: bytes) -> str:
    return "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def append_objection(path: Path, entry: Mapping[str, Any]) -> str:
    """The file's new text with `entry` added at the end of its `objections:` list (created when the
    file or the list is missing). Nothing else in the file changes."""
    if not path.exists():
        return "version: 1\nobjections:\n" + render_entry(entry, 2)
    text, data = _read(path)
    return _bom(data) + _append_objection(text, entry, path)


def _append_objection(text: str, entry: Mapping[str, Any], path: Path) -> str:
    newline = _newline(text)
    root = _compose(text, path)
    if root is None:  # an empty file, or comments only
        prefix = text if not text or text.endswith("\n") else text + newline
        return prefix + "objections:" + newline + render_entry(entry, 2).replace("\n", newline)
    if not isinstance(root, yaml.MappingNode):
        raise InputError(said="edit_top", path=path)
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "objections":
            return _append_to_list(text, value, entry, newline, path)
    prefix = text if text.endswith("\n") else text + newline
    return prefix + "objections:" + newline + render_entry(entry, 2).replace("\n", newline)


def _append_to_list(text: str, node: yaml.Node, entry: Mapping[str, Any], newline: str, path: Path) -> str:
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(said="edit_list", path=path)
    if node.flow_style:
        if node.value:
            raise InputError(said="edit_flow", path=path)
        # objections: []  →  a block list with the one entry; only the brackets are replaced
        start, end = node.start_mark.index, node.end_mark.index
        return text[:start] + newline + render_entry(entry, 2).replace("\n", newline).rstrip(newline) + text[end:]
    indent = max(node.value[0].start_mark.column - 2, 0)  # where the "- " of the existing items stands
    at = _end_of_content(text, node)
    before = text[:at] if text[:at].endswith("\n") else text[:at] + newline
    return before + render_entry(entry, indent).replace("\n", newline) + text[at:]


def _end_of_content(text: str, node: yaml.SequenceNode) -> int:
    """Where the list's own text ends: just after the newline that closes its last non-blank,
    non-comment line."""
    last_item = node.value[-1]
    position = last_item.end_mark.index
    if position > 0 and text[position - 1] == "\n":
        return position
    newline_at = text.find("\n", position)
    return len(text) if newline_at == -1 else newline_at + 1


def add_answer(path: Path, objection_id: str, lang: str, answer: str) -> str:
    """The file's new text with `answer` added to objection `objection_id`'s answers in `lang`.

    A block list gets a new line after its last item; a one-line [..] list gets the new item before
    its closing bracket; a missing language gets a new `lang:` line. Nothing else changes."""
    text, data = _read(path)
    return _bom(data) + _add_answer(text, objection_id, lang, answer, path)


def _add_answer(text: str, objection_id: str, lang: str, answer: str, path: Path) -> str:
    newline = _newline(text)
    root = _compose(text, path)
    entry = _find_entry(root, objection_id)
    if entry is None:
        raise InputError(said="edit_no_objection", path=path, id=objection_id)
    answers = _child(entry, "answers")
    if answers is None or not isinstance(answers, yaml.MappingNode):
        raise InputError(said="edit_no_answers", path=path, id=objection_id)
    return _add_to_answers(text, answers, objection_id, lang, answer, newline, path)


def _add_to_answers(text: str, answers: yaml.MappingNode, objection_id: str, lang: str, answer: str, newline: str,
                    path: Path) -> str:
    """`text` with `answer` added to the `answers` mapping (language → list) that `answers` is."""
    item = _quote(answer)
    lang_list = _child(answers, lang)
    if lang_list is None:
        if answers.flow_style:
            end = answers.end_mark.index - 1  # the closing brace
            return text[:end] + f", {lang}: [{item}]" + text[end:]
        first_key = answers.value[0][0]
        column = first_key.start_mark.column
        at = _line_end(text, answers.end_mark.index)
        return text[:at] + " " * column + f"{lang}:{newline}" + " " * (column + 2) + f"- {item}{newline}" + text[at:]
    if not isinstance(lang_list, yaml.SequenceNode):
        raise InputError(said="edit_answers_list", path=path, id=objection_id, lang=lang)
    if lang_list.flow_style:
        end = lang_list.end_mark.index - 1  # the closing bracket
        separator = ", " if lang_list.value else ""
        return text[:end] + separator + item + text[end:]
    column = lang_list.value[0].start_mark.column - 2
    at = _end_of_content(text, lang_list)
    before = text[:at] if text[:at].endswith("\n") else text[:at] + newline
    return before + " " * column + f"- {item}{newline}" + text[at:]


def add_extra_answer(path: Path, objection_id: str, lang: str, answer: str, header: str) -> str:
    """The new text of a catalog whose `answers:` section adds model answers to objections defined in another
    file, with `answer` added under `objection_id` and `lang`; a missing file starts with `header` (comment
    lines). Nothing else in the file changes."""
    if not path.exists():
        return header + "version: 1\nanswers:\n" + _answers_block(objection_id, lang, answer, 2, "\n")
    text, data = _read(path)
    newline = _newline(text)
    root = _compose(text, path)
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise InputError(said="edit_answers_top", path=path)
    section = _child(root, "answers")
    if section is None:  # no section yet: it goes at the end of the file
        prefix = text if not text or text.endswith("\n") else text + newline
        return _bom(data) + prefix + "answers:" + newline + _answers_block(objection_id, lang, answer, 2, newline)
    if not isinstance(section, yaml.MappingNode):
        raise InputError(said="edit_answers_mapping", path=path)
    mine = _child(section, objection_id)
    if isinstance(mine, yaml.MappingNode):
        return _bom(data) + _add_to_answers(text, mine, objection_id, lang, answer, newline, path)
    if mine is not None or (section.flow_style and section.value):
        raise InputError(said="edit_answers_block", path=path, id=objection_id)
    block = _answers_block(objection_id, lang, answer, section.value[0][0].start_mark.column if section.value else 2,
                           newline)
    if section.flow_style:  # answers: {}  →  a block mapping with the one id
        start, end = section.start_mark.index, section.end_mark.index
        return _bom(data) + text[:start] + newline + block.rstrip(newline) + text[end:]
    at = _line_end(text, section.value[-1][1].end_mark.index)
    before = text[:at] if text[:at].endswith("\n") else text[:at] + newline
    return _bom(data) + before + block + text[at:]


def _answers_block(objection_id: str, lang: str, answer: str, indent: int, newline: str) -> str:
    pad = " " * indent
    return f"{pad}{objection_id}:{newline}{pad}  {lang}:{newline}{pad}    - {_quote(answer)}{newline}"


def _line_end(text: str, index: int) -> int:
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found == -1 else found + 1


def _find_entry(root: yaml.Node | None, objection_id: str) -> yaml.MappingNode | None:
    objections = _child(root, "objections") if isinstance(root, yaml.MappingNode) else None
    if not isinstance(objections, yaml.SequenceNode):
        return None
    for item in objections.value:
        if isinstance(item, yaml.MappingNode):
            key = _child(item, "id")
            if isinstance(key, yaml.ScalarNode) and key.value == objection_id:
                return item
    return None


def _child(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return value
    return None


def _quote(text: str) -> str:
    """One line of YAML: a double-quoted string with escapes, whatever the text holds."""
    dumped = yaml.safe_dump(" ".join(text.split()), allow_unicode=True, default_style='"', width=1_000_000)
    return str(dumped).strip().removesuffix("...").strip()


STARTER = """\
# {title}
#
# {about}
# {check}
# {techniques_line}
version: 1
# languages: [ru, en]      # {languages}

objections:
  # {entry}
  - id: team-example-price            # {id}
    client:
      ru: "Мне это не по карману"
      en: "I can't afford this"
    variants:                         # {variants}
      ru: ["Слишком дорого для меня"]
      en: ["That's too much for me"]
    context:
      ru: "Исходящий звонок, предложение подписки"
      en: "Outbound call offering a subscription"
    domain: ecommerce                 # {domain}
    tags: [sales, price]
    difficulty: 1                     # {difficulty}
    checklist: [acknowledge, clarify, benefit, next_step]   # {checklist}
    required: [acknowledge]           # {required}
    key_points:                       # {key_points}
      ru:
        - "рассрочка | по частям | в месяц"
        - "пробный период | бесплатно | первый месяц"
      en:
        - "instalments | per month | pay in parts"
        - "free trial | free | first month"
    answers:                          # {answers}
      ru:
        - "Понимаю вас, бюджет важен. Подскажите, какая сумма в месяц была бы комфортной? Первый месяц бесплатно, дальше можно платить по частям. Давайте я оформлю пробный период?"
      en:
        - "I understand, the budget matters. What monthly amount would feel comfortable? The first month is free, then you can pay in parts. Shall I start the free trial for you?"
    tips:
      ru: "Не спорьте о цене: уточните бюджет и покажите, как платить меньше сразу."
      en: "Don't argue about the price: ask about the budget and show how to pay less now."
    source: {source}
"""
STARTER_PARTS = ("title", "about", "check", "techniques_line", "languages", "entry", "id", "variants", "domain",
                 "difficulty", "checklist", "required", "key_points", "answers", "source")


def starter_catalog(name: str, techniques: list[str], ui: str = "en") -> str:
    """The commented starter catalog, its comments in language `ui` (the entry itself has both languages)."""
    from objcoach.i18n import t

    values = {"name": name, "techniques": ", ".join(techniques)}
    parts = {part: t(ui, f"starter.{part}", **values) for part in STARTER_PARTS}
    parts["source"] = _quote(parts["source"])  # a one-line YAML string
    return STARTER.format(**parts)
