"""Every weight, threshold and band of objcoach in one place.

The scorer's weights and guard constants (a catalog may override the named ones under `scoring:`), the
verdict bands, the FSRS rating bands and the pass and done scores that practice and reports use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from objcoach.catalog.model import Catalog

# Every threshold has a name; a catalog may override any of them under `scoring:` (the weights that combine
# the features are the grader model's: scoring/grader.json, or the catalog's own `scoring: {model: FILE}`).
DEFAULT_SETTINGS: dict[str, float] = {
    "closeness_full": 65.0,  # similarity that earns every closeness point
    "required_weight": 2.0,  # a required technique counts this many times in the checklist
    "excellent": 85.0,
    "good": 70.0,
    "partial": 50.0,
    "weak": 30.0,
    "cap_harmful": 5.0,  # the most a blocked or harmful reply can score: below any harmless one
    "cap_too_short": 25.0,
    "max_words": 120.0,  # longer than this cannot be said on a call
    "min_words": 4.0,  # fewer words than this is no answer to an objection
    "copy_share": 0.75,  # share of the reply's content words taken from the client's words
    "copy_similarity": 70.0,  # and how close the reply's word sequence is to the client's (0–100)
    "offtopic_relevance": 0.15,  # share of the reply's content words that belong to the objection
    "stuffing_function_share": 0.12,  # real sentences have more function words than this
}
MAX_REPLY_CHARS = 5000  # longer replies are cut before scoring (and flagged too_long)
MARKER_SLACK = 2  # a marker of k words may spread over k + MARKER_SLACK words
KEY_POINT_SHARE = 0.75  # share of an alternative's content words that must appear
STUFFING_COVERAGE = 0.6  # share of words that are markers or key points in a stuffed list
OFFTOPIC_MIN_WORDS = 5  # topical words needed before a reply can be called off-topic
SHORT_STEM = 5  # Russian stems this short fold unrelated words together: check the surface word too
TYPO_MIN = 5  # a reply word of this many letters may be a marker word misspelt by one letter
LOOSE_MIN = 6  # a marker stem this long may match a reply stem that extends it ...
LOOSE_EXTRA = 2  # ... by at most this many letters ("бесплатн" ~ "бесплатно")

# The guards' thresholds (their word lists are in guards.py, beside each guard).
FILLER_SHARE = 0.8  # a reply this much made of filler sounds ("эм", "well") says nothing
DONT_KNOW_CAP_WORDS = 8  # «не знаю» with fewer distinct content words is capped; with more, points off
COPY_OWN_WORDS = 2  # a reply that adds at most this many words to the client's own may be a copy
REPEAT_SIMILARITY = 90.0  # how closely (0–100) a reply must hold the client's whole phrase to repeat it
STUFFING_MIN_WORDS = 5  # fewer words than this are too few to call a list of keywords
STUFFING_COVERED_MIN_WORDS = 6  # ... and to judge by the share of marker and key-point words
LIST_MIN_PIECES = 5  # a list: at least this many pieces between commas ...
LIST_SINGLE_SHARE = 0.8  # ... this share of them one word long
QUOTE_CHARS = 80  # a flag quotes at most this much of the reply as its evidence ...
EMPTY_QUOTE_CHARS = 40  # ... of a reply that says nothing
JAB_QUOTE_CHARS = 90  # ... of the closing sentence that jabs

VERDICTS = ("excellent", "good", "partial", "weak", "fail")  # best first; the bands are in DEFAULT_SETTINGS
# the flags the guards raise (scoring/guards.py); the tone model's is "tone", an antipattern's its own id
GUARD_FLAGS = ("empty", "too_short", "dont_know", "wrong_fact", "copy", "jab", "stuffing", "off_topic",
               "other_language", "too_long")
DONE_SCORE = 70  # an assignment is done once the operator scores this much on it
PASS_MARK = 70  # the exam's default pass mark (average score)
RATING_BANDS = ((85, 4), (70, 3), (50, 2))  # (lowest best score, FSRS rating); below: 1 (Again)


def verdict_for(score: float, conf: dict[str, float] | None = None) -> str:
    conf = conf or DEFAULT_SETTINGS
    for verdict in ("excellent", "good", "partial", "weak"):
        if score >= conf[verdict]:
            return verdict
    return "fail"


def settings_for(catalog: Catalog) -> dict[str, float]:
    """Every setting as this catalog has it: the defaults, with what it overrides under `scoring:`."""
    return {**DEFAULT_SETTINGS, **catalog.settings}
