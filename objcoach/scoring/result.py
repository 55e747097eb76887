"""What scoring a reply gives: a score, its verdict, and where every point came from."""

from __future__ import annotations

from typing import NamedTuple


class Hit(NamedTuple):  # a tuple: cheap to create, a batch makes millions
    """Something found in a reply, with the reply's own words as evidence."""

    id: str
    evidence: str = ""


class Score(NamedTuple):
    objection_id: str
    lang: str
    score: int
    verdict: str
    components: dict[str, float]
    techniques_hit: tuple[Hit, ...]
    techniques_missed: tuple[str, ...]
    key_points_hit: tuple[Hit, ...]
    key_points_missed: tuple[str, ...]
    flags: tuple[Hit, ...]
    closest_answer: str
    shared_words: str = ""  # the reply's words that the closest answer also has
    reply: str = ""

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(flag.id for flag in self.flags)

    def to_dict(self) -> dict[str, object]:
        return {
            "objection_id": self.objection_id,
            "lang": self.lang,
            "score": self.score,
            "verdict": self.verdict,
            "components": {name: round(points, 1) for name, points in self.components.items()},
            "techniques": {
                "hit": [{"id": hit.id, "evidence": hit.evidence} for hit in self.techniques_hit],
                "missed": list(self.techniques_missed),
            },
            "key_points": {
                "hit": [{"id": hit.id, "evidence": hit.evidence} for hit in self.key_points_hit],
                "missed": list(self.key_points_missed),
            },
            "flags": [{"id": flag.id, "evidence": flag.evidence} for flag in self.flags],
            "closest_answer": self.closest_answer,
            "shared_words": self.shared_words,
        }
