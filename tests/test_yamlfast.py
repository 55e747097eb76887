"""The fast composer gives exactly what PyYAML gives — every value, line and column — or declines, and a
catalog reads the same, problems included, whichever of the two composed it."""

from __future__ import annotations

import importlib.util
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BROKEN_CATALOG, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objcoach import yamlread
from objcoach.catalog import bundled_catalog_path
from objcoach.catalog_edit import add_answer, append_objection, starter_catalog
from objcoach.catalog_parse import parse_files
from objcoach.yamlfast import Node, compose_fast

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bundled_catalog_path().read_text(encoding="utf-8")


def pyyaml(text: str) -> Node | str:
    """What PyYAML composes (as light nodes), or "error"."""
    try:
        node = yaml.compose(text, Loader=yamlread._Loader)
    except yaml.YAMLError:
        return "error"
    return "empty" if node is None else yamlread.from_yaml(node)


def same_or_declined(text: str) -> bool:
    """Whether the fast path took `text`; when it did, its nodes must be PyYAML's."""
    fast = compose_fast(text)
    if fast is not None:
        assert fast == pyyaml(text), text
    return fast is not None


def synthetic_catalog(count: int) -> str:
    """The benchmark's catalog (scripts/bench.py), `count` objections."""
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        bench.synthetic_catalog(path, count, random.Random(1))
        return path.read_text(encoding="utf-8")


def readme_catalog() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Catalogs for mentors", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]


TEAM = """\
# Our team's catalog — keep this comment
version: 1
objections:
  # first entry
  - id: team-logo
    client: {ru: "Мне не нравится ваш логотип", en: "I don't like your logo"}
    checklist: [acknowledge, clarify, benefit, next_step]
    key_points:
      ru: ["кэшбэк | бесплатное обслуживание"]
      en: ["cashback | free service"]
    answers:
      ru:
        - "Понимаю вас. Подскажите, что для вас важнее? Кэшбэк 5%. Давайте пришлю условия?"
      en: ['I understand. What matters more to you? It''s 5% cashback. Shall I text you the terms?']
scoring:
  good: 70   # trailing key stays where it is
"""
ENTRY = {"id": "team-card-color",
         "client": {"ru": "Мне не нравится цвет карты: он «скучный»", "en": "I don't like the card's colour #1"},
         "variants": {"ru": ["- Цвет? Да ну", "[серый]"], "en": ['"Grey", really?', "50% grey"]},
         "checklist": ["acknowledge", "clarify", "benefit", "next_step"],
         "answers": {"ru": ["Понимаю вас: цвет — дело вкуса. Кэшбэк 5%. Давайте?"], "en": ["I see: it's grey."]}}


@pytest.mark.parametrize("name", ["bundled", "synthetic", "starter", "readme", "team", "team-grown"])
def test_catalogs_take_the_fast_path_and_match_pyyaml(name: str, tmp_path: Path) -> None:
    if name in ("team", "team-grown"):
        path = tmp_path / "team.yaml"
        path.write_text(TEAM, encoding="utf-8")
        if name == "team-grown":  # as the `add` and `review` commands write it
            path.write_text(append_objection(path, ENTRY), encoding="utf-8")
            path.write_text(add_answer(path, "team-logo", "en", 'Another: "quoted" \\ answer'), encoding="utf-8")
            path.write_text(add_answer(path, "team-logo", "ru", "Ещё ответ: с двоеточием"), encoding="utf-8")
        text = path.read_text(encoding="utf-8")
    else:
        text = {"bundled": lambda: BUNDLED, "synthetic": lambda: synthetic_catalog(300),
                "starter": lambda: starter_catalog("team.yaml", ["acknowledge", "clarify"]),
                "readme": readme_catalog}[name]()
    assert same_or_declined(text)
    assert same_or_declined(text.replace("\n", "\r\n"))


TAKEN = [
    "a: # c\n  b: 1", "a: 😀 x\nb: [😀, \"😀\", y]", "a: {ru: x , en: y }", "a: {ru:\n  x}", "a: [x,\ny]",
    "key:\n- a\n- b\nc: d", "a: [[a], [b] , {c: d}]", 'a: "x\\ty \\u0416\\x41\\/\\\\\\"\\ \\_\\N\\e"',
    "a: 'it''s'", "a  : b", "a :b: c", "a#b: c #d", "a:\n  - x\n  - y: 1\n    z: 2\n  -   w", "  a: 1\n  b: 2",
    "a: [x\n  , y]", "a: [x # c\n  , y]", "a: [x, # c\n\n  y]", "a: b\\", "a: []\nb: {}\nc: [ ]\nd: { }",
    "a:   \nb: 1", "a: ~\nb: null\nc: yes\nd: 1.5e3\ne: 010", "a:\nb:\n  c:\n", "a: ''\nb: \"\"",
    "a: b ] } ,c", "a: x\u00a0\nb: \u00a0y", "# head\n\n\na: 1   # tail\n\n# end\n", "a: [ \"x\" ,'y' , z ]",
]
DECLINED = [  # outside the subset (PyYAML reads them) or not YAML at all (PyYAML says why)
    "- a: 1", "a: [a, ]", "a: [a, , b]", 'a: "x\\q"', "a: b #c\n  d: 1", "a: b: c", '"a": b', "a: [C#]",
    "a: [a?b]", "a: {a: b}: c", "  a: 1\nb: 2", "a: 1\n b: 2", "a: |\n  text", "a: >-\n  text", "a: &x 1\nb: *x",
    "a: !!str 1", "a: x\n  y", "a:\n  b", "a: [x\n  y]", "a: [x,# c\n  y]", 'a: "x"#c', 'a: "\\ud800"', "a: -5",
    "a: -", "a: ? x", "- x", "x", "", "# only a comment\n", "a: 1\n---\nb: 2", "%YAML 1.1\n---\na: 1", "a:\tb",
    "a: b\rc: d", "\ufeffa: 1", "a: \x85", "a:\n  -\n    b", "a:\n  - - b", "a: [\n", 'a: "x', "a: 'x\n  y'",
    "? a\n: b", "a: {b}", "a: {b: }", "a: [b: c]", "a: @x", "a: `x`", "a: %x", "a: *x", "[a]: b", "a:b",
    "a: " + "[" * 100 + "]" * 100, "k" * 300 + ": v",
]


@pytest.mark.parametrize("text", TAKEN)
def test_edge_cases_taken(text: str) -> None:
    assert same_or_declined(text)
    assert same_or_declined(text.replace("\n", "\r\n"))


@pytest.mark.parametrize("text", DECLINED)
def test_edge_cases_declined(text: str) -> None:
    assert compose_fast(text) is None


# --- generated YAML ---------------------------------------------------------------------------

SAFE = "abcxyz019ЖжёЁ\u00a0😀"  # what a plain scalar may hold in any position
TRICKY = SAFE + " .-_:#'\",[]{}?!&*|>%@`\\~/\t"


def trees(alphabet: str, min_size: int) -> st.SearchStrategy[Any]:
    """Scalars (str), sequences (list) and mappings (tuple of key, value pairs: keys may repeat). With a
    tricky alphabet, most scalars still keep to safe characters, so that much of the YAML is valid."""
    scalars = st.text(alphabet=alphabet, min_size=min_size, max_size=10)
    keys = st.text(alphabet=alphabet, min_size=1, max_size=6) if alphabet != SAFE else st.from_regex(
        r"[a-z_Ж]{1,6}", fullmatch=True)
    if alphabet != SAFE:
        safe = st.text(alphabet=SAFE + " ", min_size=min_size, max_size=10)
        scalars, keys = st.one_of(safe, safe, safe, scalars), st.one_of(safe.filter(bool), keys)
    return st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                        | st.lists(st.tuples(keys, children), max_size=4).map(tuple), max_leaves=12)


class Renderer:
    """Writes a tree as catalog-like YAML, choosing styles at random: block or flow collections, plain or
    quoted scalars, indentation, compact and indentless lists, comments, blank lines, wrapped flow lists.
    `strict` keeps to what the fast path reads; otherwise anything goes, valid YAML or not."""

    def __init__(self, rng: random.Random, strict: bool) -> None:
        self.rng, self.strict = rng, strict

    def document(self, root: tuple[tuple[str, Any], ...]) -> str:
        lines = self.mapping(root, 0)
        if self.rng.random() < 0.3:
            lines.insert(self.rng.randrange(len(lines) + 1), self.rng.choice(["", "  ", "# note", "   # x"]))
        return "\n".join(lines) + self.rng.choice(["\n", "", "\n\n"])

    def scalar(self, text: str) -> str:
        style = self.rng.choice(["plain", "plain", "single", "double"])
        if style == "single" or (self.strict and style == "plain" and not text.strip()):
            return "'" + text.replace("'", "''") + "'"
        if style == "double":
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return text

    def flow(self, node: Any) -> str:
        if isinstance(node, str):
            return self.scalar(node)
        separator = self.rng.choice([", ", ",", " , ", ",\n      ", ", # note\n  "])
        if isinstance(node, list):
            return "[" + separator.join(self.flow(item) for item in node) + "]"
        colon = self.rng.choice([": ", ": ", " : ", ":  "] + ([] if self.strict else [":"]))
        return "{" + separator.join(self.scalar(key) + colon + self.flow(value) for key, value in node) + "}"

    def comment(self) -> str:
        return self.rng.choice(["", "", "", " # note", "   #x:y"])

    def inline(self, node: Any) -> bool:
        return isinstance(node, str) or not node or self.rng.random() < 0.3

    def mapping(self, node: tuple[tuple[str, Any], ...], indent: int) -> list[str]:
        pad, lines = " " * indent, []
        for key, value in node:
            name = self.scalar(key) if not self.strict else key
            if self.inline(value):
                lines.append(f"{pad}{name}: {self.flow(value)}{self.comment()}")
            else:
                lines.append(f"{pad}{name}:{self.comment()}")
                step = self.rng.choice([1, 2, 4] + ([0] if isinstance(value, list) else []))
                lines += self.block(value, indent + step)
            if not self.strict and self.rng.random() < 0.05:
                lines[-1] = " " * self.rng.randrange(3) + lines[-1]
        return lines

    def block(self, node: Any, indent: int) -> list[str]:
        if isinstance(node, tuple):
            return self.mapping(node, indent)
        pad, lines = " " * indent, []
        for item in node:
            if isinstance(item, tuple) and item and self.rng.random() < 0.6:  # "- key: value" and the rest below
                inner = self.mapping(item, indent + 2)
                lines += [f"{pad}- {inner[0][indent + 2:]}", *inner[1:]]
            elif self.inline(item) or self.strict or isinstance(item, list):
                lines.append(f"{pad}- {self.flow(item)}{self.comment()}")
            else:
                lines += [f"{pad}-", *self.block(item, indent + 2)]
        return lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[a-z_]{1,6}", fullmatch=True), trees(SAFE, 1)), min_size=1,
                max_size=4).map(tuple), st.randoms(use_true_random=False))
def test_generated_catalog_yaml_is_taken_and_matches(root: tuple[tuple[str, Any], ...], rng: random.Random) -> None:
    text = Renderer(rng, strict=True).document(root)
    assert same_or_declined(text), text


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=SAFE, min_size=1, max_size=5), trees(SAFE, 0)), min_size=1,
                max_size=4).map(tuple)
       | st.lists(st.tuples(st.text(alphabet=TRICKY, min_size=1, max_size=5), trees(TRICKY, 0)), min_size=1,
                  max_size=4).map(tuple), st.randoms(use_true_random=False))
def test_generated_yaml_is_matched_or_declined(root: tuple[tuple[str, Any], ...], rng: random.Random) -> None:
    same_or_declined(Renderer(rng, strict=False).document(root))


# slips that mostly keep the text in the fast path's subset, so that it is compared, not declined
FAST_SLIPS = ("delete", "duplicate", "swap", "char", "char", "indent")
FAST_SLIP_CHARACTERS = ":-[]{}&*!|>'\"#%@`\t ,?\\"


# the bundled catalog's first three techniques and first three objections
SAMPLE = (BUNDLED[:BUNDLED.index("\n  benefit:")] + "\n"
          + "\n  - id:".join(BUNDLED[BUNDLED.index("\nobjections:"):].split("\n  - id:")[:4]) + "\n")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=4))
def test_mistyped_catalogs_are_matched_or_declined(seed: int, rounds: int) -> None:
    same_or_declined(mutate(SAMPLE, random.Random(seed), rounds, FAST_SLIPS, FAST_SLIP_CHARACTERS))


# --- whole catalogs, problems included ----------------------------------------------------------


def parsed(paths: list[Path], monkeypatch: pytest.MonkeyPatch, fast: bool) -> tuple[Any, list[str]]:
    """The catalog (as plain data) and problems of `paths`, composed by the fast path or by PyYAML."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yamlread, "compose_fast", lambda text: None)
        catalog, problems = parse_files(paths)
    # every field, whatever the classes compare by
    return repr((list(catalog.objections), catalog.techniques, catalog.antipatterns, catalog.settings)), problems


BROKEN = [
    BROKEN_CATALOG,
    "objections:\n  - id: x\n    client: 5\n    answers: [a]\n",
    "objections:\n  - id: X y\n    client: {ru: '', de: x}\n    answers: {ru: [[a], '', b]}\n    tags: {a: b}\n",
    "version: 2\nlanguages: [ru, fr]\ntechniques:\n  t:\n    title: {ru: T}\n    detect: [smell]\n"
    "antipatterns:\n  a:\n    title: {ru: A}\n    severity: soft\n    markers: {ru: [x]}\nscoring:\n  good: lots\n"
    "  nope: 1\nobjections: []\n",
    "objections:\n  - id: a\n    client: {ru: x, ru: y}\n    answers:\n      ru:\n      - ok\n"
    "    required: [clarify]\n",
    "objections:\n  - id: a\n    client:\n      ru:\n    answers: {ru: [x]}\n    difficulty: three\n",
]


@pytest.mark.parametrize("text", [BUNDLED, TEAM, *BROKEN])
def test_catalog_and_problems_are_the_same_either_way(text: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    assert compose_fast(text) is not None
    paths = [bundled_catalog_path(), path]
    assert parsed(paths, monkeypatch, fast=True) == parsed(paths, monkeypatch, fast=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=4))
def test_mistyped_catalogs_have_the_same_problems_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              seed: int, rounds: int) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(mutate(SAMPLE, random.Random(seed), rounds, FAST_SLIPS, FAST_SLIP_CHARACTERS), encoding="utf-8")
    assert parsed([path], monkeypatch, fast=True) == parsed([path], monkeypatch, fast=False)


def test_a_self_containing_alias_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("objections: &a [*a]\n", encoding="utf-8")
    started = time.perf_counter()
    _, problems = parse_files([path])
    assert time.perf_counter() - started < 2.0
    assert len(problems) == 1 and re.search(r"loop\.yaml:1:\d+: the YAML expands to more than", problems[0])
