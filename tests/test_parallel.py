"""grade and audit on several cores: the same rows, in the same order, as on one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BANK, STRONG_EN, STRONG_RU, run_cli

import objcoach.parallel as parallel


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 20 and a pool from the second batch on, so a test-sized input reaches the workers."""
    monkeypatch.setattr(parallel, "BATCH", 20)
    monkeypatch.setattr(parallel, "IN_PROCESS_SECONDS", 0.0)


@pytest.mark.usefixtures("small_batches")
def test_grade_on_two_cores_writes_what_one_core_writes(tmp_path: Path) -> None:
    replies = [STRONG_RU, STRONG_EN, "Нет.", "Понимаю вас. Давайте пришлю условия?", "whatever"]
    rows = [{"objection": BANK, "reply": f"{replies[n % len(replies)]} {n}"} for n in range(150)]
    rows[77] = {"objection": "no-such-objection", "reply": "x"}
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        code, _, _ = run_cli("grade", str(source), "--jobs", jobs, "--output", str(out))
        assert code == 1  # the one bad row
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    lines = [json.loads(line) for line in outputs[1].splitlines()]
    assert len(lines) == 150 and [line["reply"] for line in lines] == [row["reply"] for row in rows]
    assert "error" in lines[77]


@pytest.mark.usefixtures("small_batches")
def test_audit_on_two_cores_finds_what_one_core_finds(tmp_path: Path) -> None:
    from objcoach.catalog.load import bundled_catalog_path

    sample = (bundled_catalog_path().resolve().parent / "sample_chats.jsonl").read_text(encoding="utf-8")
    source = tmp_path / "chats.jsonl"
    source.write_text(sample * 8, encoding="utf-8")
    results = []
    for jobs in ("1", "2"):
        out = tmp_path / f"found{jobs}.jsonl"
        code, stdout, _ = run_cli("audit", str(source), "--jobs", jobs, "--output", str(out), "--json")
        assert code == 0
        results.append((out.read_text(encoding="utf-8"), json.loads(stdout)))
    assert results[0] == results[1] and results[1][1]["dialogues"] == 96
