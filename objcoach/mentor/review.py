"""The mentor's review: disputed and weak attempts, one at a time; accept, dismiss or comment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from objcoach.catalog.model import Catalog
from objcoach.errors import InputError
from objcoach.i18n import t
from objcoach.store.history import Store, now_iso


class Reviewer:
    def __init__(self, store: Store, extra: Sequence[Path] | None, mentor: str, ui: str) -> None:
        self.store = store
        self.extra = extra
        self.mentor = mentor
        self.ui = ui
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from objcoach.catalog.load import load_catalog

            self._catalog = load_catalog(self.extra)
        return self._catalog

    def decide(self, key: str, action: str, comment: str | None = None) -> list[str]:
        """Apply one decision; the problems that stopped it, if any."""
        attempt = self.store.attempt(key)
        if attempt is None:
            raise InputError(f"no attempt {key!r} (give its id or a unique prefix; see review --json)")
        if action == "accept":
            from objcoach.mentor.authoring import accept_answer

            path, problems = accept_answer(self.catalog, attempt["objection_id"], attempt["lang"], attempt["reply"],
                                           self.extra)
            if problems:
                return problems
            self._catalog = None  # the catalog file changed
            self.store.save_review(attempt["id"], "accepted", comment, self.mentor, now_iso())
            self.last_path = path
            return []
        decision = {"dismiss": "dismissed", "comment": "commented"}[action]
        self.store.save_review(attempt["id"], decision, comment, self.mentor, now_iso())
        return []

    def walk(self, candidates: list[dict[str, Any]], ask: Callable[[str, str], str | None],
             say: Callable[[str], None]) -> None:
        ui = self.ui
        if not candidates:
            say(t(ui, "review.none"))
            return
        for n, attempt in enumerate(candidates, start=1):
            verdict = t(ui, f"verdict.{attempt['verdict']}") if attempt["verdict"] else ""
            score = "—" if attempt["score"] is None else f"{attempt['score']} {verdict}"
            say(t(ui, "review.item", n=n, total=len(candidates), operator=attempt["operator"],
                  objection=attempt["objection_id"], lang=attempt["lang"], score=score,
                  when=attempt["created_at"][:16].replace("T", " ")))
            objection = self.catalog.get(attempt["objection_id"])
            if objection is not None:
                say(f"{t(ui, 'client')}: «{objection.client.get(attempt['lang'], '')}»")
            say(f"{t(ui, 'reply')}: «{attempt['reply']}»")
            if attempt["disputed"]:
                say(t(ui, "review.disputed", note=attempt["dispute_note"] or "—"))
            if attempt.get("hints"):  # how much help the reply took
                say(t(ui, "review.hints", n=attempt["hints"]))
            while True:
                answer = ask(t(ui, "review.prompt"), "s")
                choice = review_key(answer)
                if choice == "q":
                    return
                if choice == "a":
                    problems = self.decide(attempt["id"], "accept")
                    if problems:
                        for line in problems:
                            say(line)
                        say(t(ui, "review.refused"))
                        continue
                    say(t(ui, "review.accepted", path=self.last_path))
                elif choice == "d":
                    self.decide(attempt["id"], "dismiss")
                    say(t(ui, "review.dismissed"))
                elif choice == "c":
                    text = ask(t(ui, "review.comment_prompt"), "")
                    if text and text.strip():
                        self.decide(attempt["id"], "comment", text.strip())
                        say(t(ui, "review.commented"))
                    else:
                        continue
                elif choice != "s":
                    say(t(ui, "review.unknown_key", key=(answer or "").strip()))
                    continue
                break


# a review key typed with the Russian layout on is the key under the same finger: ф is a, в is d, с is c…
_LAYOUT = str.maketrans("фвсый", "adcsq")


def review_key(answer: str | None) -> str:
    """The decision a typed answer names: a, d, c, s (the default, an empty answer) or q (also the end of input);
    "" for anything else, which is asked again."""
    if answer is None:
        return "q"
    word = answer.strip().casefold().translate(_LAYOUT)
    if word in ("", "s", "skip"):
        return "s"
    if word in ("a", "accept", "d", "dismiss", "c", "comment", "q", "quit"):
        return word[0]
    return ""

