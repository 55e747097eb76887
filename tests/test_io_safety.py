"""Files in and out under hostile input: what --output names, CSV cells a spreadsheet would run, failed
writes, rows kept in order, bounded reads, and CSV or JSONL that is not what it claims to be."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from objcoach import io as objcoach_io

OBJCOACH = [sys.executable, "-m", "objcoach"]
GOOD = {"objection": "too-expensive", "reply": "I understand. What budget did you have in mind?"}


def rows_file(tmp_path: Path, lines: list[str], name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def good_lines(count: int) -> list[str]:
    return [json.dumps({**GOOD, "n": n}) for n in range(count)]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def objcoach(*args: str, home: Path, stdout: object = subprocess.PIPE, memory: int = 1 << 30,
             timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """The command in a process of its own, with at most `memory` bytes of address space: a read that
    is not bounded fails fast here instead of filling a shared machine."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {**os.environ, "OBJCOACH_HOME": str(home), "NO_COLOR": "1"}
    for name in ("OBJCOACH_CATALOG", "OBJCOACH_DB", "OBJCOACH_LANG"):
        env.pop(name, None)
    return subprocess.run([*OBJCOACH, *args], stdout=stdout, stderr=subprocess.PIPE, env=env,  # type: ignore[call-overload]
                          preexec_fn=limit, timeout=timeout, check=False)


# --- 1. what --output names -----------------------------------------------------------------------


def test_output_to_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there: the writer may open it
    try:
        code, _, err = run_cli("grade", str(rows_file(tmp_path, good_lines(1))), "--output", str(fifo))
        assert code == 0, err
        written = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO, not a file renamed over it
    assert json.loads(written)["objection_id"] == "too-expensive"
    assert leftovers(tmp_path) == []


def test_output_to_a_fifo_nobody_reads_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    code, _, err = run_cli("grade", str(rows_file(tmp_path, good_lines(1))), "--output", str(fifo))
    assert code == 2 and err == f"objcoach: {fifo}: cannot be written (no program is reading it)\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert leftovers(tmp_path) == []


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "scored.jsonl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "scored.jsonl"
    link.symlink_to(target)
    code, _, err = run_cli("grade", str(rows_file(tmp_path, good_lines(2))), "--output", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "real") == []


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm: no second file system to link into")
def test_output_through_a_symlink_into_another_file_system(tmp_path: Path) -> None:
    target = Path("/dev/shm") / f"objcoach-test-{os.getpid()}-{tmp_path.name}.jsonl"
    link = tmp_path / "scored.jsonl"
    link.symlink_to(target)
    try:
        code, _, err = run_cli("grade", str(rows_file(tmp_path, good_lines(2))), "--output", str(link))
        assert code == 0, err
        assert link.is_symlink() and len(target.read_text(encoding="utf-8").splitlines()) == 2
        assert not any(p.name.startswith(f".{target.name}.") for p in target.parent.iterdir())
    finally:
        target.unlink(missing_ok=True)


def test_output_to_a_folder_is_one_clear_line(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    code, _, err = run_cli("grade", str(rows_file(tmp_path, good_lines(1))), "--output", str(folder))
    assert code == 2 and err == f"objcoach: {folder}: is a folder; give a file name\n"
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []


@pytest.mark.parametrize("command", [["report", "--format", "md"], ["export", "--all"]])
def test_report_and_export_write_a_fifo_in_place_too(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = run_cli(*command, "--output", str(fifo), "--db", str(tmp_path / "h.sqlite3"))
        assert code == 0, err
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and leftovers(tmp_path) == []


# --- 8. failed writes: one line, nothing half-written --------------------------------------------


@pytest.mark.skipif(not (Path("/dev/full").exists() and stat.S_ISCHR(os.stat("/dev/full").st_mode)),
                    reason="no /dev/full")
def test_stdout_on_a_full_device_is_one_clear_line(tmp_path: Path) -> None:
    source = rows_file(tmp_path, good_lines(300))
    with open("/dev/full", "w") as full:
        result = objcoach("grade", str(source), home=tmp_path / "home", stdout=full)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err == "objcoach: stdout: cannot be written (No space left on device)\n"


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="no /proc/self/fd")
def test_output_to_dev_stdout_is_written_in_place(tmp_path: Path) -> None:
    # through a link of our own to what /dev/stdout links to: were the link ever replaced again, only ours
    # would be (tests never give a system device as --output: run as root, a regression would replace it)
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    result = objcoach("grade", str(rows_file(tmp_path, good_lines(3))), "--output", str(stdout),
                      home=tmp_path / "home")
    assert result.returncode == 0, result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) == 3
    assert stdout.is_symlink() and leftovers(tmp_path) == []


def disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing", ["fsync", "replace", "chmod", "write"])
def test_a_full_disk_at_any_step_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path, failing: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    source = rows_file(tmp_path, good_lines(250))
    target = tmp_path / "scored.jsonl"
    target.write_text("old rows\n", encoding="utf-8")
    if failing == "write":
        real = objcoach_io._opened

        class Full(io.StringIO):
            def write(self, text: str) -> int:
                disk_full()
                return 0

        def opened(descriptor: int, binary: bool) -> object:
            real(descriptor, binary).close()
            return Full()

        monkeypatch.setattr(objcoach_io, "_opened", opened)
    else:
        monkeypatch.setattr(objcoach_io.os, failing, disk_full)
    code, _, err = run_cli("grade", str(source), "--output", str(target))
    assert code == 2 and err == f"objcoach: {target}: cannot be written (No space left on device)\n"
    assert target.read_text(encoding="utf-8") == "old rows\n"
    assert leftovers(tmp_path) == []


