"""Parse catalog YAML into the domain's objects, checking every field with its location.

Every problem is collected with file:line:col and the field's path, so a mentor sees all of them at
once; several files are merged and checked together (duplicate ids, unknown technique ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from objcoach.catalog.fields import check_id, checklist_ids, nearest, phrases, text_lists, texts
from objcoach.catalog.model import LANGS, Antipattern, Catalog, Objection, Technique, TextLists, Texts
from objcoach.catalog.reader import Node, Problems, Reader, compose, read_text
from objcoach.catalog.scenarios import ScenarioDraft, finish_scenarios, read_scenarios
from objcoach.errors import ObjcoachError
from objcoach.scoring.settings import DEFAULT_SETTINGS

_TOP_KEYS = ("version", "languages", "techniques", "antipatterns", "objections", "answers", "routine", "domains",
             "tags", "scoring", "scenarios")
_TECHNIQUE_KEYS = ("title", "why", "markers", "examples", "detect")
_ANTIPATTERN_KEYS = ("title", "markers", "severity", "advice")
_OBJECTION_KEYS = ("id", "client", "variants", "context", "domain", "tags", "difficulty", "checklist",
                   "required", "key_points", "answers", "tips", "source", "wrong")
_DETECTORS = ("question", "number")
_SEVERITIES = ("block", "warn")


def parse_files(paths: Sequence[Path], fingerprint: str = "") -> tuple[Catalog, Problems]:
    """The merged catalog of `paths` and the problems found (none when valid)."""
    problems = Problems()
    parts = [_parse_file(path, problems) for path in paths]
    catalog = _merge([part for part in parts if part is not None], problems, fingerprint)
    return catalog, problems


@dataclass
class _Part:
    file: str
    techniques: dict[str, tuple[Technique, str]] = field(default_factory=dict)
    antipatterns: dict[str, tuple[Antipattern, str]] = field(default_factory=dict)
    objections: list[tuple[Objection, str]] = field(default_factory=list)
    # (technique id, where, field path) of every checklist reference, checked after merging
    references: list[tuple[str, str, str]] = field(default_factory=list)
    # every objection id seen, valid entry or not, so duplicates are found in any case
    ids: list[tuple[str, str]] = field(default_factory=list)
    settings: dict[str, float] = field(default_factory=dict)
    model: str = ""  # scoring.model, resolved against the catalog's folder
    routine: TextLists = field(default_factory=dict)
    titles: dict[str, dict[str, Texts]] = field(default_factory=dict)  # "domains"/"tags" -> key -> title
    # `answers:`: model answers this file adds to an objection defined anywhere (the bundled catalog's, say),
    # as (objection id, answers by language, where the id is written)
    answers: list[tuple[str, TextLists, str]] = field(default_factory=list)
    scenarios: list[ScenarioDraft] = field(default_factory=list)


def _parse_file(path: Path, problems: Problems) -> _Part | None:
    name = str(path)
    text = read_text(path, problems)
    if text is None:
        return None
    root = compose(text, name, problems)
    if root is None:
        return None
    read = Reader(name, problems)
    top = read.mapping(root, "", _TOP_KEYS)
    part = _Part(name)
    if "version" in top:
        read.integer(top["version"][1], "version", 1, 1)
    languages: tuple[str, ...] = LANGS
    if "languages" in top:
        declared = read.strings(top["languages"][1], "languages")
        bad = [lang for lang in declared if lang not in LANGS]
        if bad:
            read.fail(top["languages"][1], "languages", "unknown_language", lang=bad[0])
        languages = tuple(lang for lang in declared if lang in LANGS)
    required_langs = languages if "languages" in top else ()
    if "techniques" in top:
        for key, (key_node, node) in read.mapping(top["techniques"][1], "techniques").items():
            technique = _technique(read, key, node, f"techniques.{key}", key_node)
            if technique:
                part.techniques[key] = (technique, read.where(key_node))
    if "antipatterns" in top:
        for key, (key_node, node) in read.mapping(top["antipatterns"][1], "antipatterns").items():
            antipattern = _antipattern(read, key, node, f"antipatterns.{key}", key_node)
            if antipattern:
                part.antipatterns[key] = (antipattern, read.where(key_node))
    if "objections" in top:
        for index, node in read.items(top["objections"][1], "objections"):
            objection = _objection(read, node, f"objections[{index}]", required_langs, part)
            if objection:
                part.objections.append((objection, read.where(node)))
    elif not part.techniques and not part.antipatterns and not {"answers", "routine", "domains", "tags",
                                                                                       "scenarios"} & set(top):
        read.fail(root, "objections", "no_objections")
    if "answers" in top:
        for key, (key_node, node) in read.mapping(top["answers"][1], "answers").items():
            added = text_lists(read, node, f"answers.{key}")
            if any(added.values()):
                part.answers.append((key, added, read.where(key_node)))
    if "routine" in top:
        part.routine = text_lists(read, top["routine"][1], "routine")
    for section in ("domains", "tags"):
        if section in top:
            part.titles[section] = {key: texts(read, node, f"{section}.{key}")
                                    for key, (_, node) in read.mapping(top[section][1], section).items()}
    if "scoring" in top:
        part.settings, part.model = _settings(read, top["scoring"][1], path)
    if "scenarios" in top:
        part.scenarios = read_scenarios(read, top["scenarios"][1], required_langs)
    return part


def _technique(read: Reader, key: str, node: Node, path: str, key_node: Node) -> Technique | None:
    if not check_id(read, key, key_node, path):
        return None
    fields = read.mapping(node, path, _TECHNIQUE_KEYS)
    if "title" not in fields:  # the rest is still checked, so that its problems show in this run too
        read.fail(node, path, "needs", field="title")
    detect = read.strings(fields["detect"][1], f"{path}.detect") if "detect" in fields else ()
    for name in detect:
        if name not in _DETECTORS:
            read.fail(fields["detect"][1], f"{path}.detect", "unknown_detector", name=name,
                      allowed=", ".join(_DETECTORS))
    markers = phrases(read, fields["markers"][1], f"{path}.markers") if "markers" in fields else {}
    if not any(markers.values()) and not detect:
        read.fail(node, path, "needs_markers")
    title = texts(read, fields["title"][1], f"{path}.title") if "title" in fields else None
    why = texts(read, fields["why"][1], f"{path}.why") if "why" in fields else {}
    examples = text_lists(read, fields["examples"][1], f"{path}.examples") if "examples" in fields else {}
    if title is None:
        return None
    return Technique(id=key, title=title, why=why, markers=markers, examples=examples,
                     detect=tuple(name for name in detect if name in _DETECTORS))


def _antipattern(read: Reader, key: str, node: Node, path: str, key_node: Node) -> Antipattern | None:
    if not check_id(read, key, key_node, path):
        return None
    fields = read.mapping(node, path, _ANTIPATTERN_KEYS)
    missing = [needed for needed in ("title", "markers") if needed not in fields]
    for needed in missing:
        read.fail(node, path, "needs", field=needed)
    severity = "block"
    if "severity" in fields:
        given = read.string(fields["severity"][1], f"{path}.severity")
        if given not in _SEVERITIES:
            read.fail(fields["severity"][1], f"{path}.severity", "severity", given=given)
        else:
            severity = given
    if missing:
        for present in ("title", "markers", "advice"):  # checked all the same: their problems show in this run
            if present in fields:
                (phrases if present == "markers" else texts)(read, fields[present][1], f"{path}.{present}")
        return None
    return Antipattern(
        id=key,
        title=texts(read, fields["title"][1], f"{path}.title"),
        markers=phrases(read, fields["markers"][1], f"{path}.markers"),
        severity=severity,
        advice=texts(read, fields["advice"][1], f"{path}.advice") if "advice" in fields else {},
    )


def _objection(read: Reader, node: Node, path: str, required_langs: tuple[str, ...],
               part: _Part) -> Objection | None:
    fields = read.mapping(node, path, _OBJECTION_KEYS)
    if not fields:
        return None
    place = read.where(node)
    objection_id = read.string(fields["id"][1], f"{path}.id") if "id" in fields else None
    if objection_id is not None:
        part.ids.append((objection_id, place))
    missing = [needed for needed in ("id", "client", "answers") if needed not in fields]
    for needed in missing:
        read.fail(node, path, "needs", field=needed)
    # an entry with a field missing or a bad id is still checked to the end: every problem shows in one run
    broken = bool(missing) or objection_id is None or not check_id(read, objection_id, fields["id"][1],
                                                                     f"{path}.id")
    client = texts(read, fields["client"][1], f"{path}.client") if "client" in fields else {}
    answers = text_lists(read, fields["answers"][1], f"{path}.answers") if "answers" in fields else {}
    for lang in sorted(set(client) | set(required_langs), key=LANGS.index):
        if lang not in client and "client" in fields:
            read.fail(fields["client"][1], f"{path}.client", "needs_client_lang", lang=lang)
        if not answers.get(lang) and "answers" in fields:
            where = fields["answers"][1]
            read.fail(where, f"{path}.answers.{lang}", "needs_answer")
    if not client and "client" in fields:
        read.fail(fields["client"][1], f"{path}.client", "needs_client")

    def optionaltexts(key: str) -> Texts:
        return texts(read, fields[key][1], f"{path}.{key}") if key in fields else {}

    def optional_lists(key: str) -> TextLists:
        return text_lists(read, fields[key][1], f"{path}.{key}") if key in fields else {}

    checklist, required = checklist_ids(read, fields, path, part.references)
    difficulty = 1
    if "difficulty" in fields:
        difficulty = read.integer(fields["difficulty"][1], f"{path}.difficulty", 1, 3) or 1
    # every field is read (and its problems recorded) before a broken entry is given up
    variants, context, key_points, tips = (optional_lists("variants"), optionaltexts("context"),
                                           optional_lists("key_points"), optionaltexts("tips"))
    domain = read.string(fields["domain"][1], f"{path}.domain") or "" if "domain" in fields else ""
    tags = read.strings(fields["tags"][1], f"{path}.tags") if "tags" in fields else ()
    wrong = phrases(read, fields["wrong"][1], f"{path}.wrong", alternatives=True) if "wrong" in fields else {}
    source = read.string(fields["source"][1], f"{path}.source") or "" if "source" in fields else ""
    if broken or objection_id is None:
        return None
    return Objection(
        id=objection_id,
        client=client,
        answers=answers,
        variants=variants,
        context=context,
        domain=domain,
        tags=tags,
        difficulty=difficulty,
        checklist=checklist,
        required=required,
        key_points=key_points,
        wrong=wrong,
        tips=tips,
        source=source,
        origin=place.rsplit(":", 1)[0],
    )


def _settings(read: Reader, node: Node, path: Path) -> tuple[dict[str, float], str]:
    """The scoring constants a catalog overrides, and the grader model file it names (checked here, so
    `validate` reports a model that cannot be used at the line that names it)."""
    allowed = ("model", *DEFAULT_SETTINGS)
    result: dict[str, float] = {}
    model = ""
    for key, (_, value) in read.mapping(node, "scoring", allowed).items():
        if key == "model":
            name = read.string(value, "scoring.model")
            if name:
                from objcoach.scoring.model import load_model  # only a catalog that names a model pays for it

                model = str((path.parent / name).resolve())
                try:
                    load_model(model)
                except ObjcoachError as error:
                    read.fail(value, "scoring.model", "raw", text=str(error))
                    model = ""
            continue
        number = read.number(value, f"scoring.{key}")
        if number is not None:
            result[key] = number
    return result, model


# --- several files --------------------------------------------------------------------------


def _merge(parts: Iterable[_Part], problems: Problems, fingerprint: str) -> Catalog:
    techniques: dict[str, tuple[Technique, str]] = {}
    antipatterns: dict[str, tuple[Antipattern, str]] = {}
    objections: dict[str, tuple[Objection, str]] = {}
    seen: dict[str, str] = {}  # objection id -> where it first appears
    settings: dict[str, float] = {}
    model = ""
    routine: dict[str, list[str]] = {}
    titles: dict[str, dict[str, Texts]] = {"domains": {}, "tags": {}}
    parts = list(parts)
    for part in parts:
        for kind, mine, merged in (("technique", part.techniques, techniques),
                                   ("antipattern", part.antipatterns, antipatterns)):
            for key, (value, place) in mine.items():
                if key in merged:
                    problems.add(place, "", f"{kind}_twice", id=key, other=merged[key][1])
                else:
                    merged[key] = (value, place)  # type: ignore[assignment]
        for objection_id, place in part.ids:
            if objection_id in seen:
                first = seen[objection_id]
                problems.add(place, "", "objection_twice", id=objection_id, other=first)
                problems.add(first, "", "objection_twice", id=objection_id, other=place)
            else:
                seen[objection_id] = place
        for objection, place in part.objections:
            if seen.get(objection.id) == place:
                objections[objection.id] = (objection, place)
        settings.update(part.settings)
        model = part.model or model
        for lang, lines in part.routine.items():
            routine.setdefault(lang, []).extend(lines)
        for section, named in part.titles.items():
            for key, title in named.items():  # a later file may title a key in more languages
                titles[section][key] = {**titles[section].get(key, {}), **title}
    # answers added to an objection of any file: its id must exist (ids are unique, so an entry is never redefined)
    added: list[tuple[str, str, str, str]] = []
    for part in parts:
        for objection_id, answers, place in part.answers:
            if objection_id not in objections:
                close = nearest(objection_id, seen)
                problems.add(place, f"answers.{objection_id}", "answers_unknown_id_close" if close else
                             "answers_unknown_id", id=objection_id, close=close)
                continue
            objection, where = objections[objection_id]
            answers_now = {lang: tuple(dict.fromkeys([*objection.answers.get(lang, ()), *answers.get(lang, ())]))
                      for lang in {*objection.answers, *answers}}
            objections[objection_id] = (objection._replace(answers=answers_now), where)
            added += [(objection_id, lang, answer, place) for lang, texts in answers.items() for answer in texts]
    for part in parts:
        for technique_id, place, path in part.references:
            if technique_id not in techniques:
                close = nearest(technique_id, techniques)
                problems.add(place, path, "unknown_technique_close" if close else "unknown_technique", id=technique_id,
                             close=close)
    scenarios = finish_scenarios((draft for part in parts for draft in part.scenarios),
                                 {key: value for key, (value, _) in objections.items()}, techniques, antipatterns,
                                 problems)
    return Catalog(
        techniques={key: value for key, (value, _) in techniques.items()},
        antipatterns={key: value for key, (value, _) in antipatterns.items()},
        objections=tuple(value for value, _ in objections.values()),
        settings=settings,
        fingerprint=fingerprint,
        model=model,
        routine={lang: tuple(phrases) for lang, phrases in routine.items()},
        domains=titles["domains"],
        tags=titles["tags"],
        added_answers=tuple(added),
        scenarios=scenarios,
    )
