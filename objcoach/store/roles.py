"""`objcoach db setup` on PostgreSQL: the schema, two group roles and row-level security.

Run once by an administrator (the owner of the tables, who is not subject to the policies). Operators
and mentors then connect as their own login roles, granted `objcoach_operator` or `objcoach_mentor`;
the database itself, not objcoach, decides what each sees:
- an operator reads and writes only rows whose `operator` is their own role name (attempts, sessions,
  review cards), reads the reviews of their own attempts and their own assignments;
- a mentor reads the attempts, sessions, cards and assignments of the operators in their team
  (`team_members`), writes reviews and assignments for them, imports their practice and audited chats
  (rescheduling the objections an audit found handled badly), and changes nobody's history;
- nobody can change another person's attempts: there is no UPDATE or DELETE policy for anyone but
  the owner, and the owner may only set their own dispute flag and note;
- a row belongs to the login role that wrote it (session_user), so SET ROLE to a group role gains nothing;
- triggers keep an operator's own writes to what a drill does (see TRIGGERS), and a mentor imports
  the team's practice; the scores themselves are checked when a report scores each reply again
  (mentor/verify.py), since the database cannot grade a reply.

Role names reach SQL only as psycopg.sql.Identifier, which quotes them; psycopg is imported when a
statement is built, so this module loads without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from objcoach.errors import InputError
from objcoach.store.backends import PostgresConnection, StoreError
from objcoach.store.history import Store

if TYPE_CHECKING:
    from psycopg.sql import Composed

OPERATOR = "objcoach_operator"
MENTOR = "objcoach_mentor"
# Who a row belongs to is the login role (session_user), never current_user: every operator may SET ROLE to
# the group role objcoach_operator, and rows written under that shared name would be everyone's.
TEAM = "(SELECT tm.operator FROM team_members AS tm WHERE tm.mentor = session_user)"

# {operator} and {mentor} stand for the two group roles
GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {operator}, {mentor}",
    "GRANT SELECT ON objcoach_meta TO {operator}, {mentor}",
    # operators: their own practice
    "GRANT SELECT, INSERT ON sessions, attempts, cards, card_reviews TO {operator}",
    # outcome: how their roleplay call ended (the session trigger allows it on a roleplay call only)
    "GRANT UPDATE (ended_at, average, passed, interrupted, outcome) ON sessions TO {operator}",
    "GRANT UPDATE (disputed, dispute_note) ON attempts TO {operator}",
    "GRANT UPDATE (card, due, last_score, reviews, fails) ON cards TO {operator}",
    "GRANT SELECT ON reviews, assignments, team_members TO {operator}",
    "GRANT SELECT, INSERT, UPDATE ON fsrs_parameters TO {operator}",  # fitted on their own review log
    # mentors: read their team, import its practice, decide reviews, give assignments
    "GRANT SELECT ON sessions, attempts, cards, card_reviews, fsrs_parameters, team_members TO {mentor}",
    "GRANT INSERT ON sessions, attempts, cards, card_reviews TO {mentor}",
    # an audit of the team's real chats reschedules what was handled badly (objcoach audit --save)
    "GRANT UPDATE (card, due, last_score, reviews, fails) ON cards TO {mentor}",
    "GRANT SELECT, INSERT, UPDATE ON reviews, assignments TO {mentor}",
)
TABLES_BY_OPERATOR = ("sessions", "attempts", "cards", "card_reviews", "fsrs_parameters", "assignments")
SECURED_TABLES = (*TABLES_BY_OPERATOR, "reviews", "team_members")
POLICIES = {  # name → statement
    **{f"{table}_{kind}": statement for table in ("sessions", "attempts", "cards", "card_reviews", "fsrs_parameters")
        for kind, statement in (
        ("own", f"CREATE POLICY {table}_own ON {table} TO {{operator}} USING (operator = session_user) "
                f"WITH CHECK (operator = session_user)"),
        ("team", f"CREATE POLICY {table}_team ON {table} FOR SELECT TO {{mentor}} USING (operator IN {TEAM})"),
    )},
    **{f"{table}_import": f"CREATE POLICY {table}_import ON {table} FOR INSERT TO {{mentor}} "
                          f"WITH CHECK (operator IN {TEAM})"
       for table in ("sessions", "attempts", "cards", "card_reviews")},
    "cards_reschedule": f"CREATE POLICY cards_reschedule ON cards FOR UPDATE TO {{mentor}} USING (operator IN {TEAM}) "
                        f"WITH CHECK (operator IN {TEAM})",
    "assignments_own": "CREATE POLICY assignments_own ON assignments FOR SELECT TO {operator} "
                       "USING (operator = session_user)",
    "assignments_team": f"CREATE POLICY assignments_team ON assignments TO {{mentor}} USING (operator IN {TEAM}) "
                        f"WITH CHECK (operator IN {TEAM} AND assigned_by = session_user)",
    "reviews_own": "CREATE POLICY reviews_own ON reviews FOR SELECT TO {operator} USING "
                   "(attempt_id IN (SELECT a.id FROM attempts AS a WHERE a.operator = session_user))",
    "reviews_team": f"CREATE POLICY reviews_team ON reviews TO {{mentor}} USING "
                    f"(attempt_id IN (SELECT a.id FROM attempts AS a WHERE a.operator IN {TEAM})) "
                    f"WITH CHECK (mentor = session_user AND attempt_id IN "
                    f"(SELECT a.id FROM attempts AS a WHERE a.operator IN {TEAM}))",
    "team_members_visible": "CREATE POLICY team_members_visible ON team_members FOR SELECT TO {operator}, {mentor} "
                            "USING (operator = session_user OR mentor = session_user)",
}

# What the policies cannot say, said by triggers. Their functions run as the tables' owner (SECURITY DEFINER,
# with a fixed search_path), so they see every session whoever writes. An operator's own rows (NEW.operator
# is the login role, a member of objcoach_operator) may only be written the way a drill writes them:
# - a session starts unfinished; once it has ended nothing in it changes; its average is the one its
#   attempts give (a roleplay call's: the best score at each node), and an exam is passed only when they
#   reach its pass mark; only a roleplay call has an outcome, one of resolved, escalated, lost;
# - an attempt goes into the operator's own session while it is open, and its dispute is set only then.
# For everyone (a mentor importing too), an attempt belongs to a session of the same operator: the foreign
# key alone would accept another person's session id, which row-level security hides but does not check.
PRACTISING = f"(NEW.operator = session_user AND pg_has_role(session_user, '{OPERATOR}', 'MEMBER'))"
REFUSE = "RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = "
TRIGGERS = {  # name → (table, function body)
    "objcoach_attempt_rules": ("attempts", f"""
        DECLARE owner text; ended text;
        BEGIN
          IF TG_OP = 'UPDATE' AND (NEW.id, NEW.operator, NEW.session_id, NEW.score)
             IS DISTINCT FROM (OLD.id, OLD.operator, OLD.session_id, OLD.score) AND {PRACTISING} THEN
            {REFUSE} 'an attempt keeps its score and session';
          END IF;
          IF NEW.session_id IS NOT NULL THEN
            SELECT s.operator, s.ended_at INTO owner, ended FROM sessions AS s WHERE s.id = NEW.session_id;
            IF owner IS DISTINCT FROM NEW.operator THEN
              {REFUSE} format('attempt %s: session %s is not one of %s''s', NEW.id, NEW.session_id, NEW.operator);
            END IF;
          END IF;
          IF {PRACTISING} AND (NEW.session_id IS NULL OR ended IS NOT NULL) THEN
            {REFUSE} 'an operator writes attempts only into their own session while it is open';
          END IF;
          RETURN NEW;
        END"""),
    "objcoach_session_rules": ("sessions", f"""
        DECLARE total numeric; answered integer; mean numeric;
        BEGIN
          IF NOT {PRACTISING} THEN
            RETURN NEW;
          END IF;
          IF TG_OP = 'INSERT' THEN
            IF NEW.ended_at IS NOT NULL OR NEW.average IS NOT NULL OR NEW.passed IS NOT NULL
               OR NEW.outcome IS NOT NULL THEN
              {REFUSE} 'a session starts unfinished: it ends when its drill or exam does';
            END IF;
            RETURN NEW;
          END IF;
          IF OLD.ended_at IS NOT NULL THEN
            {REFUSE} 'a finished session cannot be changed';
          END IF;
          IF NEW.outcome IS NOT NULL AND (NEW.mode <> 'roleplay'
                                          OR NEW.outcome NOT IN ('resolved', 'escalated', 'lost')) THEN
            {REFUSE} format('session %s: only a roleplay call ends resolved, escalated or lost', NEW.id);
          END IF;
          IF NEW.outcome IS NOT NULL AND NEW.ended_at IS NULL THEN
            {REFUSE} format('session %s: a call has an outcome when it ends', NEW.id);
          END IF;
          -- the best score of each objection asked (a roleplay call's: of each node, two may share an objection)
          SELECT COALESCE(SUM(best), 0), COUNT(*) INTO total, answered FROM (
            SELECT COALESCE(MAX(a.score), 0) AS best FROM attempts AS a WHERE a.session_id = NEW.id
            GROUP BY COALESCE(a.node_id, a.objection_id)) AS items;
          -- as the drill works it out: an exam over every question planned, a drill over those answered
          mean := CASE WHEN NEW.mode = 'exam' THEN total / GREATEST(NEW.planned, answered, 1)
                       WHEN answered > 0 THEN total / answered END;
          IF NEW.average IS DISTINCT FROM mean AND (NEW.average IS NULL OR mean IS NULL
                                                    OR abs(NEW.average - mean) > 0.051) THEN
            {REFUSE} format('session %s: its attempts average %s, not %s', NEW.id, round(mean, 1), NEW.average);
          END IF;
          IF NEW.passed = 1 AND (NEW.mode <> 'exam' OR mean < COALESCE(NEW.pass_mark, 0)) THEN
            {REFUSE} format('session %s: its attempts do not pass it', NEW.id);
          END IF;
          RETURN NEW;
        END"""),
}


def setup(store: Store) -> list[str]:
    """Create or bring up to date the roles, grants, policies and rules. Idempotent: policies and triggers
    are replaced, so an older database gets today's. Returns what was done."""
    db = _postgres(store)
    from psycopg import sql

    done = []
    with db.transaction():
        roles = {row["rolname"] for row in db.query("SELECT rolname FROM pg_roles WHERE rolname IN (?, ?)",
                                                    (OPERATOR, MENTOR))}
        for role in (OPERATOR, MENTOR):  # NOLOGIN: people log in as themselves and are granted one of these
            if role not in roles:
                db.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT").format(sql.Identifier(role)))
            db.execute(sql.SQL("ALTER ROLE {} NOLOGIN NOINHERIT").format(sql.Identifier(role)))
        for statement in GRANTS:
            db.execute(_with_roles(statement))
        for table in SECURED_TABLES:
            db.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(sql.Identifier(table)))
            done.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for name, statement in POLICIES.items():
            table = statement.split(" ON ", 1)[1].split()[0]
            db.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), sql.Identifier(table)))
            db.execute(_with_roles(statement))
            done.append(f"CREATE POLICY {name}")
        schema = str(db.query("SELECT current_schema() AS name")[0]["name"])
        for name, (table, body) in TRIGGERS.items():
            db.execute(sql.SQL("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
                               "SET search_path = {}, pg_temp AS {}").format(
                sql.Identifier(name), sql.Identifier(schema), sql.Literal(body)))
            db.execute(sql.SQL("REVOKE ALL ON FUNCTION {}() FROM PUBLIC").format(sql.Identifier(name)))
            db.execute(sql.SQL("CREATE OR REPLACE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW "
                               "EXECUTE FUNCTION {}()").format(sql.Identifier(name), sql.Identifier(table),
                                                               sql.Identifier(name)))
            done.append(f"CREATE TRIGGER {name}")
    return done


# who owns objcoach's tables (the administrator who ran `db setup`), as a subquery
_TABLE_OWNER = ("(SELECT t.tableowner FROM pg_tables AS t WHERE t.tablename = 'attempts' "
                "AND t.schemaname = current_schema())")


def may_import(store: Store, act: str = "import") -> None:
    """On a team's database, importing practice (or saving an audit of chats) is a mentor's act (or the
    administrator's): an operator writes their own attempts only by practising."""
    db = _postgres(store)
    if not db.query("SELECT 1 AS found FROM pg_roles WHERE rolname = ?", (MENTOR,)):
        return  # no team set up on this server (`db setup` never ran): the database's own grants decide
    found = db.query("SELECT pg_has_role(session_user, ?, 'MEMBER') AS mentor, r.rolsuper AS super, "
                     f"session_user = {_TABLE_OWNER} AS owner FROM pg_roles AS r WHERE r.rolname = session_user",
                     (MENTOR,))
    if not found or not (found[0]["mentor"] or found[0]["super"] or found[0]["owner"]):
        raise InputError(said="team_import_mentors", act=act)


def add_person(store: Store, name: str, role: str, mentor: str | None = None) -> None:
    """Grant a login role one of the two groups (and put an operator in a mentor's team). Only a person
    may be granted: a group or system role, a superuser or the tables' owner is refused, and so is a
    mentor who is not one."""
    group = OPERATOR if role == "operator" else MENTOR
    db = _postgres(store)
    from psycopg import sql

    with db.transaction():
        _person(db, name)
        if mentor is not None:
            if role != "operator":
                raise InputError(said="grant_mentor_option")
            _person(db, mentor)
            if mentor == name:
                raise InputError(said="grant_own_mentor", name=name)
            if not db.query("SELECT pg_has_role(?, ?, 'MEMBER') AS yes", (mentor, MENTOR))[0]["yes"]:
                raise InputError(said="grant_not_mentor", mentor=mentor)
        db.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name)))
        if mentor:
            db.execute("INSERT INTO team_members (mentor, operator) VALUES (?, ?) ON CONFLICT DO NOTHING",
                       (mentor, name))


def _person(db: PostgresConnection, name: str) -> None:
    """Refuse a role that is not one person's login: being granted a group would let it (or anyone who may
    SET ROLE to it) practise under a shared name, and a superuser or owner is above row-level security."""
    if not name or "\x00" in name:
        raise InputError(said="grant_bad_name", name=name)
    if name.startswith(("pg_", "objcoach_")) or name == "postgres":
        raise InputError(said="grant_group_role", name=name)
    found = db.query("SELECT r.rolcanlogin AS login, r.rolsuper AS super, "
                     f"r.rolname = {_TABLE_OWNER} AS owner FROM pg_roles AS r WHERE r.rolname = ?", (name,))
    if not found:
        raise InputError(said="grant_no_role", name=name)
    if found[0]["super"] or found[0]["owner"]:
        raise InputError(said="grant_superuser", name=name)
    if not found[0]["login"]:
        raise InputError(said="grant_no_login", name=name)


def _with_roles(statement: str) -> Composed:
    """`statement` with {operator} and {mentor} filled in as quoted role names."""
    from psycopg import sql

    return sql.SQL(statement).format(operator=sql.Identifier(OPERATOR), mentor=sql.Identifier(MENTOR))


def _postgres(store: Store) -> PostgresConnection:
    if not isinstance(store.c, PostgresConnection):
        raise StoreError(said="roles_postgres_only", label=store.c.label)
    return store.c
