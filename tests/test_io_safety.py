"""Files in and out under hostile input: what --output names, CSV cells a spreadsheet would run, failed
writes, rows kept in order, bounded reads, and CSV or JSONL that is not what it claims to be."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli

from objcoach import io as objcoach_io
from objcoach.io import MAX_ROW_BYTES, safe_cell

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


# --- 2. CSV cells a spreadsheet would run ------------------------------------------------------


@pytest.mark.parametrize("lead", [" ", "\xa0", "\u2003", "\u3000", "\n", "\r\n", "\t ", "\u200b", "\ufeff", "  \xa0"])
@pytest.mark.parametrize("formula", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_a_formula_after_any_space_or_line_break_is_text(lead: str, formula: str) -> None:
    assert safe_cell(lead + formula) == "'" + lead + formula


def test_cells_that_are_not_formulas_are_left_alone() -> None:
    assert [safe_cell(v) for v in (" ok", "a=b", "\xa0Понимаю", "", 5, -3, None)] == \
        [" ok", "a=b", "\xa0Понимаю", "", 5, -3, None]


INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def spreadsheet_would_run(cell: str) -> bool:
    return cell.lstrip().lstrip(INVISIBLE).startswith(("=", "+", "-", "@")) and not cell.startswith("'")


def test_grade_csv_from_jsonl_neutralises_every_cell_and_the_header(tmp_path: Path) -> None:
    row = {"objection": "too-expensive", "reply": "\xa0=HYPERLINK(\"http://x\")", " =cmd|calc": "\n+1",
           "\u2003@note": "x", "lang": " -en"}
    code, out, err = run_cli("grade", str(rows_file(tmp_path, [json.dumps(row)])), "--format", "csv")
    assert code == 0, err
    header, *records = list(csv.reader(io.StringIO(out)))
    assert "' =cmd|calc" in header and "'\u2003@note" in header
    assert not any(spreadsheet_would_run(cell) for cell in (*header, *records[0]))


def test_export_and_report_csv_neutralise_cells_after_spaces(tmp_path: Path) -> None:
    # drill strips what is typed; an imported attempt keeps its text as it came
    db = str(tmp_path / "h.sqlite3")
    operator = "\xa0=cmd|calc"
    attempt = {"format": 1, "id": "a1", "operator": operator, "objection_id": "too-expensive", "lang": "en",
               "mode": "drill", "created_at": "2026-12-01T10:00:00+00:00", "try_no": 1, "score": 40,
               "verdict": "weak", "reply": "\n=HYPERLINK(\"http://x\")", "dispute_note": "\u2003@x"}
    code, _, err = run_cli("import", str(rows_file(tmp_path, [json.dumps(attempt)])), "--db", db)
    assert code == 0, err
    for command in (["export", "--all", "--format", "csv"], ["report", "--format", "csv", "--operator", operator]):
        code, out, err = run_cli(*command, "--db", db)
        assert code == 0, err
        cells = [cell for record in csv.reader(io.StringIO(out)) for cell in record]
        assert "'" + operator in cells
        assert not any(spreadsheet_would_run(cell) for cell in cells)


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


# --- 9. every graded row is written, in order ----------------------------------------------------


def test_a_bad_row_after_150_good_ones_loses_none_on_stdout(tmp_path: Path) -> None:
    lone_surrogate = '{"objection": "too-expensive", "reply": "x \\ud800"}'
    source = rows_file(tmp_path, [*good_lines(150), lone_surrogate, *good_lines(5)])
    code, out, err = run_cli("grade", str(source))
    assert code == 1 and "Traceback" not in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 156
    assert [row.get("n") for row in rows[:150]] == list(range(150))
    assert rows[150] == {"error": "line 151: has a \\u escape that is half of a character (a lone surrogate)"}
    assert "error" not in rows[151]


@pytest.mark.parametrize("bad", ['{"reply": ' + "[" * 100_000 + "]" * 100_000 + "}", '{"n": 1' + "0" * 5000 + "}"],
                         ids=["nested", "huge-number"])
def test_json_that_python_cannot_take_is_an_error_row_and_the_rest_go_on(tmp_path: Path, bad: str) -> None:
    code, out, err = run_cli("grade", str(rows_file(tmp_path, [*good_lines(2), bad, *good_lines(2)])))
    assert code == 1 and "Traceback" not in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 5 and rows[2]["error"].startswith("line 3: not valid JSON")


# --- 10. bounded reads ---------------------------------------------------------------------------


def peak_memory_of_grade(source: Path, home: Path) -> tuple[int, str, int]:
    """grade in a process of its own: (exit code, stderr, peak resident memory in MB)."""
    # VmHWM, not ru_maxrss: a forked child's ru_maxrss starts from the parent's (pytest's) high-water mark
    script = ("import re, sys\nfrom objcoach.cli.app import app\ntry:\n    app(sys.argv[1:])\nfinally:\n"
              "    status = open('/proc/self/status').read()\n"
              "    print(int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024, file=sys.stderr)\n")
    env = {**os.environ, "OBJCOACH_HOME": str(home), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", script, "grade", str(source)], capture_output=True, env=env,
                            timeout=120, check=False)
    *lines, peak = result.stderr.decode().splitlines()
    return result.returncode, "\n".join(lines), int(peak)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_one_huge_line_is_an_error_row_in_bounded_memory(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as out:
        out.write(good_lines(1)[0] + "\n")
        out.write('{"objection": "too-expensive", "reply": "')
        for _ in range(100):
            out.write("я" * (1024 * 1024 // 2))  # 100 MB in all, never held at once here
        out.write('"}\n')
        out.write(good_lines(1)[0] + "\n")
    code, err, peak = peak_memory_of_grade(source, tmp_path / "home")
    assert code == 1 and "graded 3 row(s), 1 with errors" in err
    assert peak < 200, f"{peak} MB for a 100 MB line"


def test_a_line_longer_than_the_limit_names_its_line(tmp_path: Path) -> None:
    long_line = json.dumps({**GOOD, "reply": "x" * (MAX_ROW_BYTES + 10)})
    code, out, _ = run_cli("grade", str(rows_file(tmp_path, [*good_lines(1), long_line, *good_lines(1)])))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 3 and rows[1] == {"error": "line 2: longer than 1 MB; a row may be at most that"}
    assert "error" not in rows[2]
    just_fits = json.dumps({**GOOD, "reply": "x" * (MAX_ROW_BYTES - 100)})
    code, out, _ = run_cli("grade", str(rows_file(tmp_path, [just_fits])))
    assert code == 0 and "error" not in json.loads(out)


@pytest.mark.parametrize("where", ["/dev/zero", "fifo"])
def test_a_catalog_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path, where: str) -> None:
    if where == "fifo":
        where = str(tmp_path / "catalog.fifo")
        os.mkfifo(where)
    elif not Path(where).exists():
        pytest.skip(f"no {where}")
    result = objcoach("list", "--catalog", where, home=tmp_path / "home", timeout=30)
    assert result.returncode == 2
    assert result.stderr.decode() == f"objcoach: {where}: is not a regular file (a device, FIFO or socket " \
                                     "can't be a catalog)\n"


def test_a_catalog_is_read_at_most_to_its_cap_whatever_its_size_says(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from objcoach.catalog import cache

    path = tmp_path / "grows.yaml"
    path.write_bytes(b"#" * 2000)
    real = os.fstat

    def shrunk(descriptor: int) -> os.stat_result:  # a file that grows after its size was read
        status = list(real(descriptor))
        status[stat.ST_SIZE] = 10
        return os.stat_result(status)

    monkeypatch.setattr(cache.os, "fstat", shrunk)
    with pytest.raises(cache.TooBigError):
        cache.read_regular(path, 1000)
    assert cache.read_regular(path, 2000) == b"#" * 2000


def test_add_reads_neither_a_device_nor_a_fifo(tmp_path: Path) -> None:
    # devices only ever as input here: --to is written, so a FIFO of our own stands for one there
    result = objcoach("add", "--from", "/dev/zero", "--to", str(tmp_path / "team.yaml"), home=tmp_path / "home",
                      timeout=30)
    assert result.returncode == 2
    assert result.stderr.decode() == "objcoach: /dev/zero: cannot be read (not a regular file: a device, FIFO or " \
                                     "socket can't be read as one)\n"
    fifo = tmp_path / "team.fifo"
    os.mkfifo(fifo)
    result = objcoach("add", "--to", str(fifo), "--id", "x-one", "--client-ru", "Дорого", "--answer-ru", "Понимаю",
                      home=tmp_path / "home", timeout=30)
    assert result.returncode == 2 and "not a regular file" in result.stderr.decode()
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_team_model_is_read_bounded_too(tmp_path: Path) -> None:
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    script = ("import sys\nfrom objcoach.errors import ObjcoachError\nfrom objcoach.scoring.model import _load_team\n"
              "try:\n    _load_team(sys.argv[1])\nexcept ObjcoachError as error:\n    print(error)\n")
    result = subprocess.run([sys.executable, "-c", script, str(fifo)], capture_output=True, timeout=30, check=False)
    assert "not a regular file" in result.stdout.decode(), result.stderr.decode()


def test_grade_still_reads_stdin() -> None:
    code, out, err = run_cli("grade", "-", stdin=good_lines(1)[0] + "\n")
    assert code == 0 and json.loads(out)["objection_id"] == "too-expensive", err


# --- 11. CSV and JSONL that are not what they claim ------------------------------------------------


def grade_csv(tmp_path: Path, data: bytes, *args: str) -> tuple[int, list[dict[str, str]], str]:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    code, out, err = run_cli("grade", str(source), "--format", "csv", *args)
    return code, list(csv.DictReader(io.StringIO(out))), err


def test_an_unterminated_quote_is_an_error_naming_its_line(tmp_path: Path) -> None:
    code, rows, err = grade_csv(tmp_path, b'objection,reply\ntoo-expensive,fine\ntoo-expensive,"never closed\n'
                                          b"too-expensive,swallowed\ntoo-expensive,swallowed too\n")
    assert code == 1 and "Traceback" not in err
    assert rows[0]["error"] == ""
    assert rows[1]["error"] == "line 3: a quoted cell starts on this line and is never closed"
    assert len(rows) == 2 and "swallowed" not in rows[1]["reply"]


def test_junk_after_a_closing_quote_is_an_error_row_and_the_rest_go_on(tmp_path: Path) -> None:
    code, rows, _ = grade_csv(tmp_path, b'objection,reply\ntoo-expensive,"a"b\ntoo-expensive,next\n')
    assert code == 1 and rows[0]["error"].startswith("line 2: not valid CSV") and rows[1]["reply"] == "next"


def test_latin1_lines_are_errors_naming_the_line(tmp_path: Path) -> None:
    code, rows, _ = grade_csv(tmp_path, "objection,reply\ntoo-expensive,café\ntoo-expensive,ok\n".encode("latin-1"))
    assert code == 1 and len(rows) == 2
    assert rows[0]["error"] == "line 2: not UTF-8 text (the file is not UTF-8: save it as UTF-8)"
    assert rows[1]["reply"] == "ok" and rows[1]["error"] == ""
    assert not any("\ufffd" in cell for row in rows for cell in row.values())


def test_a_latin1_header_is_refused_naming_line_1(tmp_path: Path) -> None:
    code, _, err = grade_csv(tmp_path, "objection,réponse\ntoo-expensive,ok\n".encode("latin-1"))
    assert code == 2 and err.startswith("objcoach: ") and "in.csv: line 1: not UTF-8 text" in err


def test_a_duplicate_column_is_refused_naming_it(tmp_path: Path) -> None:
    code, _, err = grade_csv(tmp_path, b"objection,reply,who,reply\ntoo-expensive,a,anna,b\n")
    assert code == 2 and err.endswith("in.csv: line 1: columns 2 and 4 are both named 'reply'; rename one\n")


def test_a_malformed_first_row_keeps_every_input_column(tmp_path: Path) -> None:
    code, rows, _ = grade_csv(tmp_path, b"objection,reply,who\ntoo-expensive,a,anna,extra\n"
                                        b"too-expensive,b,boris\n")
    assert code == 1
    assert rows[0]["who"] == "anna" and rows[0]["error"] == "row 2 (line 2): more cells than the header has"
    assert rows[1]["who"] == "boris" and rows[1]["verdict"]


def test_a_row_after_a_multiline_cell_names_its_own_line(tmp_path: Path) -> None:
    code, rows, _ = grade_csv(tmp_path, b'objection,reply\ntoo-expensive,"two\nlines"\ntoo-expensive,"x"y\n')
    assert code == 1 and rows[0]["reply"] == "two\nlines" and rows[1]["error"].startswith("line 4: ")


def test_undecodable_jsonl_is_an_error_naming_the_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(good_lines(1)[0].encode() + b"\n" + '{"objection": "too-expensive", "reply": "café"}\n'
                       .encode("latin-1") + good_lines(1)[0].encode() + b"\n")
    code, out, _ = run_cli("grade", str(source))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 3
    assert rows[1] == {"error": "line 2: not UTF-8 text (the file is not UTF-8: save it as UTF-8)"}


def test_import_names_an_undecodable_line(tmp_path: Path) -> None:
    source = tmp_path / "attempts.jsonl"
    source.write_bytes(b'{"id": "caf\xe9"}\n')
    code, out, _ = run_cli("import", str(source), "--db", str(tmp_path / "h.sqlite3"), "--json")
    assert code == 1
    assert json.loads(out)["errors"] == ["line 1: not UTF-8 text (the file is not UTF-8: save it as UTF-8)"]


def test_a_bom_and_blank_lines_before_the_first_row_are_fine(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"\xef\xbb\xbf\n\nobjection,reply\r\ntoo-expensive,ok\r\n")
    code, out, err = run_cli("grade", str(source))
    assert code == 0, err
    assert json.loads(out)["reply"] == "ok"


def test_a_malformed_first_jsonl_line_keeps_every_input_column_in_csv(tmp_path: Path) -> None:
    source = rows_file(tmp_path, ["{not json", json.dumps({**GOOD, "who": "anna"})])
    code, out, _ = run_cli("grade", str(source), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and rows[0]["error"].startswith("line 1: not valid JSON")
    assert rows[1]["who"] == "anna" and rows[1]["reply"] == GOOD["reply"] and rows[1]["verdict"]


def test_rows_waiting_for_the_csv_header_are_written_when_the_rows_stop() -> None:
    def rows() -> Iterator[dict[str, object]]:
        yield {"error": "line 1: not valid JSON"}
        raise KeyboardInterrupt

    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        for _ in objcoach_io.write_csv(rows(), out, lambda row: [*row]):
            pass
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["error"], ["line 1: not valid JSON"]]


def test_a_refused_csv_header_is_said_in_the_readers_language(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"objection,reply,who,reply\ntoo-expensive,a,anna,b\n")
    code, _, err = run_cli("grade", str(source), env={"OBJCOACH_LANG": "ru"})
    assert code == 2
    assert err.endswith("in.csv: строка 1: столбцы 2 и 4 оба с именем «reply»; переименуйте один из них\n")
    source.write_bytes("objection,réponse\ntoo-expensive,ok\n".encode("latin-1"))
    code, _, err = run_cli("grade", str(source), env={"OBJCOACH_LANG": "ru"})
    assert code == 2 and "in.csv: строка 1: текст не в UTF-8" in err and "not UTF-8" not in err


def test_a_header_that_is_not_valid_csv_is_refused_in_either_language(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b'objection,"reply"x\ntoo-expensive,ok\n')
    code, _, err = run_cli("grade", str(source), env={"OBJCOACH_LANG": "en"})
    assert code == 2 and "in.csv: line 1: the header row is not valid CSV (" in err
    code, _, err = run_cli("grade", str(source), env={"OBJCOACH_LANG": "ru"})
    assert code == 2 and "in.csv: строка 1: строка заголовка — некорректный CSV (" in err
