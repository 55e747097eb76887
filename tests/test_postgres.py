"""A team on PostgreSQL: the commands against a real server, row-level security enforced by the database,
and many operators at once. Runs when OBJCOACH_TEST_PG names a server (CI starts one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli, with_user
from typer.testing import CliRunner

from objcoach.errors import ObjcoachError
from objcoach.store.history import Store

runner = CliRunner()
STRONG = ("Понимаю вас, выбор за вами. Подскажите, что для вас было главным? У нас обслуживание бесплатное "
          "и кэшбэк до 5%. Давайте пришлю условия в СМС?")


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    return run_cli(*args, stdin=stdin)


def admin_sql(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        for statement in statements:
            db.execute(statement)


def team(url: str, operators: list[str], mentor: str | None = None) -> None:
    """Login roles for people, the objcoach roles and policies, and grants (as an administrator would)."""
    people = [*operators, *([mentor] if mentor else [])]
    admin_sql(url, *[f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
                     f"CREATE ROLE {name} LOGIN; END IF; END $$" for name in people])
    code, _, err = run("db", "setup", "--db", url)
    assert code == 0, err
    if mentor:  # a mentor first: an operator is put only in the team of someone who is a mentor
        assert run("db", "grant", mentor, "--role", "mentor", "--db", url)[0] == 0
    for name in operators:
        code, _, err = run("db", "grant", name, "--role", "operator", *(["--mentor", mentor] if mentor else []),
                           "--db", url)
        assert code == 0, err


def test_drill_history_stats_exam_report_on_postgresql(pg_url: str) -> None:
    replies = "\n".join([STRONG, "не знаю", "Понимаю вас, давайте проверю."]) + "\n"
    code, out, err = run("drill", "--count", "3", "--seed", "1", "--lang", "ru", "--db", pg_url, stdin=replies)
    assert code == 0, err
    assert out.count("Оценка:") == 3
    attempts = json.loads(run("history", "--json", "--db", pg_url)[1])
    assert len(attempts) == 3
    stats = json.loads(run("stats", "--json", "--db", pg_url)[1])
    assert stats["attempts"] == 3 and stats["average"] == round(sum(a["score"] for a in attempts) / 3, 1)
    code, out, _ = run("exam", "--id", "bank-already-chosen", "--lang", "ru", "--pass-mark", "60", "--db", pg_url,
                       stdin=STRONG)
    assert code == 0 and "СДАНО" in out
    code, _, _ = run("exam", "--id", "bank-already-chosen", "--lang", "ru", "--db", pg_url, stdin="не знаю\n")
    assert code == 1
    code, out, _ = run("report", "--format", "json", "--db", pg_url)
    assert code == 0 and json.loads(out)["reports"][0]["figures"]["exams"] == {"taken": 2, "passed": 1}
    code, out, _ = run("leaderboard", "--since", "7d", "--json", "--db", pg_url)
    assert code == 0 and json.loads(out)[0]["rank"] == 1


def test_assignments_come_first_and_are_tracked(pg_url: str, tmp_path: Path) -> None:
    for target in (pg_url, str(tmp_path / "history.sqlite3")):
        who = "objcoach_admin" if target == pg_url else "anna"
        code, _, err = run("assign", "--operator", who, "--id", "too-expensive", "--id", "need-to-think", "--due",
                           "7d", "--db", target)
        assert code == 0, err
        code, _, err = run("drill", "--count", "1", "--lang", "ru", "--db", target, "--operator", who,
                             stdin="Понимаю вас.\n")
        assert code == 0, err
        first = json.loads(run("history", "--json", "--db", target, "--operator", who)[1])[0]["objection_id"]
        assert first in ("too-expensive", "need-to-think")
        status = json.loads(run("assignments", "--json", "--db", target)[1])
        assert {row["status"] for row in status["assignments"]} <= {"open", "done"}
        assert status["operators"][0]["assigned"] == 2


def test_an_operator_cannot_read_or_change_another_operators_attempts(pg_url: str) -> None:
    import psycopg

    team(pg_url, ["anna_op", "boris_op"], mentor="mira_mentor")
    anna, boris, mira = (with_user(pg_url, name) for name in ("anna_op", "boris_op", "mira_mentor"))
    code, _, err = run("drill", "--count", "2", "--lang", "ru", "--db", anna, stdin=f"{STRONG}\nне знаю\n")
    assert code == 0, err
    # through objcoach: boris sees nothing of anna's, and cannot practise as her
    assert json.loads(run("history", "--json", "--operator", "anna_op", "--db", boris)[1]) == []
    code, _, err = run("drill", "--count", "1", "--operator", "anna_op", "--db", boris, stdin="x\n")
    assert code == 2 and "role you connect as" in err
    # straight to the database: the policies refuse, not objcoach
    with psycopg.connect(boris, autocommit=True) as db:
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 0
        assert db.execute("UPDATE attempts SET disputed = 1").rowcount == 0  # others' rows are invisible
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("UPDATE attempts SET score = 100")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("DELETE FROM attempts")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("INSERT INTO attempts (id, operator, objection_id, lang, mode, created_at, try_no, reply, "
                       "breakdown, duration) VALUES ('forged', 'anna_op', 'x', 'ru', 'drill', '2026', 1, 'x', '{}', 0)")
    # the mentor reads the team's attempts but cannot change them
    with psycopg.connect(mira, autocommit=True) as db:
        assert db.execute("SELECT COUNT(*) FROM attempts WHERE operator = 'anna_op'").fetchone()[0] == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("UPDATE attempts SET score = 100")
    # anna still sees exactly her own two attempts, unchanged
    mine = json.loads(run("history", "--json", "--db", anna)[1])
    assert len(mine) == 2 and all(row["operator"] == "anna_op" for row in mine)


def test_a_password_never_appears_in_messages(pg_url: str) -> None:
    bad = pg_url.replace("objcoach_admin@", "nobody:s3cret@").replace("/objcoach_test", "/missing_db_")
    with pytest.raises(ObjcoachError) as error:
        Store(bad)
    assert "s3cret" not in str(error.value) and "***" in str(error.value)


def test_fifty_operators_drilling_at_once(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"load_op{n:02d}" for n in range(50)]
    team(pg_url, names)
    replies = "".join(f"Понимаю вас, давайте я проверю вариант {n}?\n" for n in range(20)).encode()
    env = {**os.environ, "NO_COLOR": "1"}
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-m", "objcoach", "drill", "--count", "20", "--retries", "0",
                                   "--lang", "ru", "--seed", str(n), "--db", with_user(pg_url, name)],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
                 for n, name in enumerate(names)]
    errors = [process.communicate(replies, timeout=600)[1] for process in processes]
    elapsed = time.perf_counter() - started
    assert [p.returncode for p in processes] == [0] * 50, [e.decode()[-300:] for e in errors if e]
    with Store(pg_url) as store:
        count = store.c.query("SELECT COUNT(*) AS n FROM attempts")[0]["n"]
        operators = store.c.query("SELECT COUNT(DISTINCT operator) AS n FROM attempts")[0]["n"]
    assert count == 1000 and operators == 50
    with capsys.disabled():
        print(f"\n50 operators × 20 attempts on PostgreSQL: {count} stored in {elapsed:.1f} s, "
              f"{count / elapsed:.0f} attempts/s")


def test_role_names_are_quoted_by_the_database_driver_not_by_hand(pg_url: str) -> None:
    """A role name with capitals, a space or a quote is granted as written; one that tries to end the
    statement is only a role that does not exist."""
    import psycopg
    from psycopg import sql

    names = ['Anna Smith', 'o"neil']
    with psycopg.connect(pg_url, autocommit=True) as db:
        for name in names:
            db.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
            db.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    try:
        assert run("db", "setup", "--db", pg_url)[0] == 0
        for name in names:
            code, _, err = run("db", "grant", name, "--role", "operator", "--db", pg_url)
            assert code == 0, err
        code, _, err = run("db", "grant", 'x"; DROP TABLE attempts; --', "--db", pg_url)
        assert code == 2 and "does not exist" in err and "Traceback" not in err
        with psycopg.connect(pg_url, autocommit=True) as db:
            members = {row[0] for row in db.execute(
                "SELECT m.rolname FROM pg_auth_members AS a JOIN pg_roles AS g ON g.oid = a.roleid "
                "JOIN pg_roles AS m ON m.oid = a.member WHERE g.rolname = 'objcoach_operator'")}
            assert set(names) <= members
            assert db.execute("SELECT to_regclass('attempts') IS NOT NULL").fetchone()[0]
        assert run("db", "setup", "--db", pg_url)[0] == 0  # a second run changes nothing and still succeeds
    finally:
        with psycopg.connect(pg_url, autocommit=True) as db:
            for name in names:
                db.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_only_people_are_granted_and_only_mentors_lead_a_team(pg_url: str) -> None:
    """Group and system roles, superusers and a --mentor who is not a mentor are refused with a message."""
    team(pg_url, ["gr_anna"], mentor="gr_mira")
    admin_sql(pg_url, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gr_group') THEN "
                      "CREATE ROLE gr_group NOLOGIN; END IF; END $$")
    for name, said in (("objcoach_operator", "group or system role"), ("objcoach_mentor", "group or system role"),
                       ("pg_read_all_data", "group or system role"), ("postgres", "group or system role"),
                       ("objcoach_admin", "group or system role"), ("gr_group", "cannot log in"),
                       ("nobody_here", "does not exist")):
        code, _, err = run("db", "grant", name, "--db", pg_url)
        assert code == 2 and said in err and "Traceback" not in err, (name, err)
    for who, mentor, said in (("gr_mira", "gr_anna", "not an objcoach mentor"),
                              ("gr_anna", "objcoach_mentor", "group or system role"),
                              ("gr_anna", "nobody_here", "does not exist"), ("gr_mira", "gr_mira", "own mentor")):
        code, _, err = run("db", "grant", who, "--mentor", mentor, "--db", pg_url)
        assert code == 2 and said in err, (mentor, err)
    with Store(pg_url) as store:
        assert store.c.query("SELECT mentor, operator FROM team_members") == [{"mentor": "gr_mira",
                                                                             "operator": "gr_anna"}]


def test_an_operator_cannot_forge_results_and_a_mentor_sees_what_the_database_cannot_stop(pg_url: str,
                                                                                           tmp_path: Path) -> None:
    import psycopg

    from objcoach.catalog.load import load_catalog
    from objcoach.scoring.versions import entry_version, grader_version

    team(pg_url, ["fg_anna", "fg_boris"], mentor="fg_mira")
    anna, boris, mira = (with_user(pg_url, name) for name in ("fg_anna", "fg_boris", "fg_mira"))
    assert run("drill", "--id", "too-expensive", "--lang", "ru", "--retries", "0", "--db", anna,
               stdin="не знаю\n")[0] == 0
    assert run("exam", "--id", "too-expensive", "--lang", "ru", "--db", anna, stdin="не знаю\n")[0] == 1
    assert run("drill", "--id", "bank-already-chosen", "--lang", "ru", "--db", boris, stdin=STRONG + "\n")[0] == 0
    with psycopg.connect(pg_url, autocommit=True) as db:
        boris_session = db.execute("SELECT id FROM sessions WHERE operator = 'fg_boris'").fetchone()[0]
    insert = ("INSERT INTO attempts (id, session_id, operator, objection_id, lang, mode, created_at, try_no, reply, "
              "score, breakdown, duration, grader_version, entry_version) VALUES "
              "(%s, %s, 'fg_anna', 'too-expensive', 'ru', 'drill', '2099-01-01', 1, 'не знаю', 100, '{}', 1, %s, %s)")
    catalog = load_catalog()
    versions = (grader_version(catalog), entry_version(catalog, catalog.get("too-expensive")))
    with psycopg.connect(anna, autocommit=True) as db:
        mine = db.execute("SELECT id FROM sessions ORDER BY started_at").fetchall()
        refused = [
            ("UPDATE sessions SET passed = 1, average = 100", ()),  # a finished session is final
            ("UPDATE attempts SET disputed = 1", ()),  # so are its attempts
            ("INSERT INTO sessions (id, operator, mode, lang, started_at, planned, passed, average, ended_at) "
             "VALUES ('x1', 'fg_anna', 'exam', 'ru', '2099', 1, 1, 100, '2099')", ()),  # an import's session
            (insert, ("f1", None, *versions)),  # an attempt outside any session
            (insert, ("f2", mine[0][0], *versions)),  # into a finished session
            (insert, ("f3", boris_session, *versions)),  # into someone else's session
        ]
        accepted = []
        for statement, params in refused:
            try:
                db.execute(statement, params)
                accepted.append((statement[:40], params[:2]))
            except psycopg.errors.InsufficientPrivilege:
                pass
        assert accepted == []
        # a group role anyone may SET ROLE to cannot own rows every operator could then read or write
        db.execute("SET ROLE objcoach_operator")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("INSERT INTO sessions (id, operator, mode, lang, started_at, planned) "
                       "VALUES ('g1', 'objcoach_operator', 'drill', 'ru', '2099', 1)")
        assert {row[0] for row in db.execute("SELECT operator FROM attempts")} == {"fg_anna"}
        db.execute("RESET ROLE")
        # what a drill may do cannot be told apart from forging: an open session and a score of 100 ...
        db.execute("INSERT INTO sessions (id, operator, mode, lang, started_at, planned) "
                   "VALUES ('open1', 'fg_anna', 'drill', 'ru', '2099-01-01', 1)")
        db.execute(insert, ("f4", "open1", *versions))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # ... but not an average its attempts don't give
            db.execute("UPDATE sessions SET ended_at = '2099', average = 100, passed = 1 WHERE id = 'open1'")
        db.execute("UPDATE sessions SET ended_at = '2099', average = 100 WHERE id = 'open1'")
    forged = tmp_path / "forged.jsonl"
    forged.write_text(json.dumps({"id": "imp1", "operator": "fg_anna", "objection_id": "too-expensive", "lang": "ru",
                                  "mode": "exam", "created_at": "2099-01-02T10:00:00+00:00", "try_no": 1,
                                  "reply": "не знаю",
                                  "score": 100, "session_id": "imp-s", "session_passed": 1, "session_mode": "exam",
                                  "grader_version": versions[0], "entry_version": versions[1]}) + "\n",
                      encoding="utf-8")
    code, _, err = run("import", str(forged), "--db", anna)
    assert code == 2 and "import is for mentors" in err
    # the mentor's report and leaderboard score each reply again: the 100 is left out and named
    code, out, err = run("report", "--format", "json", "--db", mira)
    assert code == 0, err
    reports = {r["operator"]: r for r in json.loads(out)["reports"]}
    assert [row["id"] for row in reports["fg_anna"]["figures"]["checked"]["forged"]] == ["f4"]
    assert reports["fg_anna"]["figures"]["average"] < 30
    board = json.loads(run("leaderboard", "--by", "score", "--json", "--db", mira)[1])
    assert [row["operator"] for row in board] == ["fg_boris", "fg_anna"] and board[1]["forged"] == 1
    # importing the team's practice is the mentor's act, and an import is checked like any attempt
    code, out, err = run("import", str(forged), "--db", mira)
    assert code == 0, err
    figures = {r["operator"]: r for r in json.loads(run("report", "--format", "json", "--db", mira)[1])["reports"]}
    checked = figures["fg_anna"]["figures"]["checked"]
    assert {row["id"] for row in checked["forged"]} == {"f4", "imp1"} and checked["forged_exams"] == ["imp-s"]
    assert figures["fg_anna"]["figures"]["exams"] == {"taken": 1, "passed": 0}  # anna's own failed exam


def test_a_mentor_saves_an_audit_of_the_teams_chats(pg_url: str) -> None:
    """audit --save on a team database: a mentor's act (as import is), each finding stored for its operator."""
    operators = ["anna", "boris", "kate", "tom", "vera"]  # the operators of the bundled sample
    team(pg_url, operators, mentor="au_mira")
    mentor = with_user(pg_url, "au_mira")
    code, out, err = run("audit", "--sample", "--save", "--json", "--db", mentor)
    assert code == 0, err
    assert json.loads(out)["saved"] == json.loads(out)["objections"] > 10
    code, out, _ = run("audit", "--sample", "--save", "--json", "--db", mentor)
    assert json.loads(out)["saved"] == 0  # the same chats again: nothing twice
    history = json.loads(run("history", "--all", "--json", "--db", mentor)[1])
    assert {row["operator"] for row in history} >= {"boris", "vera"} and {row["mode"] for row in history} == {"audit"}
    code, out, err = run("audit", "--sample", "--save", "--db", with_user(pg_url, "anna"))
    assert code == 2 and "mentor" in err  # an operator cannot write findings about others


def test_the_review_log_and_fitted_parameters_are_each_operators_own(pg_url: str) -> None:
    import psycopg

    team(pg_url, ["anna_log", "boris_log"], mentor="mira_log")
    anna, boris, mira = (with_user(pg_url, name) for name in ("anna_log", "boris_log", "mira_log"))
    for _ in range(2):
        code, _, err = run("drill", "--id", "too-expensive", "--lang", "ru", "--db", anna, stdin="/hint\nне знаю\n")
        assert code == 0, err
    with Store(anna) as store:  # what a drill does once the operator has enough reviews
        store.save_fsrs_parameters("anna_log", [0.5] * 21, 2, "2026-11-25T09:00:00+00:00")
        assert len(store.review_log("anna_log")) == 2 and store.failed_reviews("anna_log")[0]["fails"] == 2
    figures = json.loads(run("stats", "--json", "--db", anna)[1])
    assert figures["schedule"]["parameters"] == "fitted" and figures["schedule"]["fitted_on"] == 2
    with psycopg.connect(boris, autocommit=True) as db:
        for table in ("card_reviews", "fsrs_parameters"):
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("INSERT INTO card_reviews VALUES ('anna_log', 'x', 'ru', 4, '2026-11-25')")
    with psycopg.connect(mira, autocommit=True) as db:  # the mentor reads the team's, changes nothing
        assert db.execute("SELECT COUNT(*) FROM card_reviews WHERE operator = 'anna_log'").fetchone()[0] == 2
        assert db.execute("SELECT SUM(hints) FROM attempts WHERE operator = 'anna_log'").fetchone()[0] == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("UPDATE fsrs_parameters SET reviews = 0")


def test_a_mentors_grade_reaches_the_operator_through_the_database(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    team(pg_url, ["rv_anna", "rv_boris"], mentor="rv_mira")
    anna, boris, mira = (with_user(pg_url, name) for name in ("rv_anna", "rv_boris", "rv_mira"))
    assert run("drill", "--id", "too-expensive", "--lang", "ru", "--db", anna, stdin="Понимаю вас.\n")[0] == 0
    attempt = json.loads(run("review", "--json", "--db", mira)[1])[0]["id"]
    code, _, err = run("review", "--grade", f"{attempt}=1", "--comment", f"{attempt}=Нужна выгода", "--db", mira)
    assert code == 0, err
    row = json.loads(run("history", "--json", "--db", anna)[1])[0]
    assert (row["review"], row["review_grade"], row["review_comment"], row["reviewer"]) == (
        "graded", 1, "Нужна выгода", "rv_mira")
    assert json.loads(run("history", "--json", "--operator", "rv_anna", "--db", boris)[1]) == []
    # an operator cannot grade themselves
    with psycopg.connect(anna, autocommit=True) as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("UPDATE reviews SET grade = 3")
    code, out, _ = run("drill", "--id", "need-to-think", "--lang", "ru", "--db", anna, stdin="Понимаю.\n")
    assert "От наставника с прошлого занятия:" in out and "оценка 1 из 3" in out
    exported = tmp_path / "anna.jsonl"
    assert run("export", "--output", str(exported), "--db", anna)[0] == 0
    rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [(row["review"], row["review_grade"]) for row in rows if row["review"]] == [("graded", 1)]
    other = tmp_path / "laptop.sqlite3"  # the same feedback, carried to a laptop, imported once
    for expected in (1, 0):
        code, out, _ = run("import", str(exported), "--db", str(other), "--json")
        assert code == 0 and json.loads(out)["reviews"] == expected
