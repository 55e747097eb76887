"""Mentor actions that change a catalog: add an objection, accept a reply as a model answer.

A change is checked before it is written: the catalog set is loaded with the changed file in place
(every validation rule), and the new content is self-tested (each new model answer, scored with
itself left out, must reach `good`). Only then is the file replaced, atomically.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from objcoach.catalog.edit import add_answer, add_extra_answer, append_objection, write_atomically
from objcoach.catalog.load import catalog_paths, is_bundled, team_catalog_path, validate_files
from objcoach.catalog.model import Catalog
from objcoach.errors import InputError
from objcoach.scoring.score import self_test


def check_change(target: Path, new_text: str, extra: Sequence[Path] | None, objection_id: str,
                 answers: Sequence[str] | None = None, ui: str = "en") -> list[str]:
    """Problems the changed `target` would have (validation, then the self-test of `objection_id`)."""
    folder = target.resolve().parent
    if not folder.is_dir():
        raise InputError(said="accept_no_folder", target=target, folder=folder)
    # a scratch copy to validate, never renamed over the target (that is io.atomic_write's job, later):
    # beside the target so that problems read as the target's own once its name is put back
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.check.", suffix=".yaml")
    temp = Path(name)
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(new_text)
        paths = [p for p in catalog_paths(extra) if os.path.realpath(p) != os.path.realpath(target)]
        catalog, problems = validate_files([*paths, temp], ui)
        problems = [line.replace(str(temp), str(target)) for line in problems]
        if catalog is not None:
            from objcoach.i18n import t
            from objcoach.i18n.names import Names, quoted

            names = Names(catalog, ui)
            for objection, lang, answer, result in self_test(catalog, only=[objection_id], answers_only=answers):
                missing = ", ".join([*map(names.technique, result.techniques_missed), *result.key_points_missed,
                                     *(t(ui, f"flag.{flag}") for flag in result.flag_ids)]) or "—"
                problems.append(t(ui, "add.selftest", target=target, id=objection.id, lang=lang, score=result.score,
                                  verdict=names.verdict(result.verdict), missing=missing,
                                  answer=quoted(answer[:80], ui)))
        return problems
    finally:
        temp.unlink(missing_ok=True)


def add_objection(target: Path, entry: Mapping[str, Any], extra: Sequence[Path] | None,
                  dry_run: bool = False, ui: str = "en") -> tuple[str, list[str]]:
    """Append `entry` to `target` when it passes every check. Returns (the new text, problems in `ui`)."""
    new_text = append_objection(target, entry)
    problems = check_change(target, new_text, extra, str(entry.get("id", "")), ui=ui)
    if not problems and not dry_run:
        write_atomically(target, new_text)
    return new_text, problems


def accept_answer(catalog: Catalog, objection_id: str, lang: str, reply: str, extra: Sequence[Path] | None,
                  header: str = "", ui: str = "en") -> tuple[Path, list[str]]:
    """Add `reply` as a model answer of `objection_id`: in the catalog file that defines it, or, for an objection
    of the bundled catalog (part of the installed package, never written), in the team catalog's `answers:`
    section (created with the comment lines `header`)."""
    objection = catalog.get(objection_id)
    if objection is None:
        raise InputError(said="accept_no_objection", id=objection_id)
    target = Path(objection.origin.rsplit(":", 1)[0])
    bundled = is_bundled(target)
    if bundled:
        target = team_catalog_path()
    text = " ".join(reply.split())
    if text in objection.answers.get(lang, ()):
        return target, []
    if bundled:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(said="accept_no_team_folder", path=target.parent, reason=error.strerror) from None
        new_text = add_extra_answer(target, objection_id, lang, text, header)
    else:
        new_text = add_answer(target, objection_id, lang, text)
    problems = check_change(target, new_text, extra, objection_id, answers=[text], ui=ui)
    if not problems:
        write_atomically(target, new_text)
    return target, problems
