"""What a person reads instead of an id: an objection by the client's words, a technique, a domain or a tag by
its title, a verdict in the screen's language. An id stays where the reader needs it to type a command."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from objcoach.i18n import t

if TYPE_CHECKING:
    from objcoach.catalog.model import Catalog

SHORT = 60  # the client's words cut to this many characters in a table cell


class Names:
    def __init__(self, catalog: Catalog | None, ui: str) -> None:
        self.catalog = catalog
        self.ui = ui

    def objection(self, objection_id: str, lang: str | None = None, short: bool = True) -> str:
        """«The client's words» of the objection (in `lang`, else the screen's language), or its id when the
        catalog doesn't have it."""
        found = self.catalog.get(objection_id) if self.catalog else None
        if found is None:
            return objection_id
        words = found.client.get(lang or self.ui) or found.client.get(self.ui) or next(iter(found.client.values()), "")
        if short and len(words) > SHORT:
            words = words[:SHORT - 1].rstrip() + "…"
        return quoted(words, self.ui) if words else objection_id

    def technique(self, technique_id: str) -> str:
        found = self.catalog.techniques.get(technique_id) if self.catalog else None
        return found.title.get(self.ui, technique_id) if found else technique_id

    def domain(self, domain: str) -> str:
        titles = self.catalog.domains.get(domain, {}) if self.catalog else {}
        return titles.get(self.ui) or domain

    def tag(self, tag: str) -> str:
        titles = self.catalog.tags.get(tag, {}) if self.catalog else {}
        return titles.get(self.ui) or tag

    def verdict(self, verdict: str | None) -> str:
        return t(self.ui, f"verdict.{verdict}") if verdict else ""

    def end(self, end: str) -> str:
        """How a call ended (resolved, escalated, lost) in words."""
        return t(self.ui, f"end.{end}")

    def mood(self, mood: str) -> str:
        return t(self.ui, f"mood.{mood}")

    def scenario(self, scenario_id: str) -> str:
        """A scenario by its title, or its id when the catalog doesn't have it."""
        found = self.catalog.scenario(scenario_id) if self.catalog else None
        if found is None:
            return scenario_id
        title = found.title.get(self.ui) or next(iter(found.title.values()), "")
        return quoted(title, self.ui) if title else scenario_id

    def node(self, scenario_id: str, node_id: str, lang: str | None = None, short: bool = True) -> str:
        """A scenario's turn by the client's (main) line there, or "scenario/node" when the catalog doesn't have
        the scenario or the node any more."""
        found = self.catalog.scenario(scenario_id) if self.catalog else None
        turn = found.nodes.get(node_id) if found else None
        lines = (turn.client.get(lang or self.ui) or turn.client.get(self.ui) or next(iter(turn.client.values()), ())) \
            if turn else ()
        if not lines:
            return f"{scenario_id}/{node_id}"
        words = lines[0]
        if short and len(words) > SHORT:
            words = words[:SHORT - 1].rstrip() + "…"
        return quoted(words, self.ui)

    def attempt(self, row: Mapping[str, Any]) -> str:
        """What an attempt answered: a roleplay turn by its scenario and the client's line (the scenario's
        title › «the line»), any other by its objection."""
        if row.get("scenario_id") and row.get("node_id"):
            return f"{self.scenario(row['scenario_id'])} › {self.node(row['scenario_id'], row['node_id'], row.get('lang'))}"
        return self.objection(row["objection_id"], row.get("lang"))

    def assigned(self, key: str) -> str:
        """An assignment's key: a scenario ("scenario:<id>") by its title, an objection by the client's words."""
        from objcoach.catalog.model import is_scenario_key, scenario_key

        if is_scenario_key(key):
            return self.scenario(key.removeprefix(scenario_key("")))
        return self.objection(key)

    def language(self, lang: str) -> str:
        return t(self.ui, f"language.{lang}")


def quoted(text: str, ui: str) -> str:
    """Quotation marks of the screen's language: «…» in Russian, “…” in English."""
    return f"«{text}»" if ui == "ru" else f"“{text}”"
