"""`objcoach db setup` on PostgreSQL: the schema, two group roles and row-level security.

Run once by an administrator (the owner of the tables, who is not subject to the policies). Operators
and mentors then connect as their own login roles, granted `objcoach_operator` or `objcoach_mentor`;
the database itself, not objcoach, decides what each sees:
- an operator reads and writes only rows whose `operator` is their own role name (attempts, sessions,
  review cards), reads the reviews of their own attempts and their own assignments;
- a mentor reads the attempts, sessions, cards and assignments of the operators in their team
  (`team_members`), writes reviews and assignments for them, and changes nobody's history;
- nobody can change another person's attempts: there is no UPDATE or DELETE policy for anyone but
  the owner, and the owner may only set their own dispute flag and note.

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
TEAM = "(SELECT tm.operator FROM team_members AS tm WHERE tm.mentor = current_user)"

# {operator} and {mentor} stand for the two group roles
GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {operator}, {mentor}",
    "GRANT SELECT ON objcoach_meta TO {operator}, {mentor}",
    # operators: their own practice
    "GRANT SELECT, INSERT ON sessions, attempts, cards TO {operator}",
    "GRANT UPDATE (ended_at, average, passed) ON sessions TO {operator}",
    "GRANT UPDATE (disputed, dispute_note) ON attempts TO {operator}",
    "GRANT UPDATE (card, due, last_score, reviews) ON cards TO {operator}",
    "GRANT SELECT ON reviews, assignments, team_members TO {operator}",
    # mentors: read their team, decide reviews, give assignments
    "GRANT SELECT ON sessions, attempts, cards, team_members TO {mentor}",
    "GRANT SELECT, INSERT, UPDATE ON reviews, assignments TO {mentor}",
)
TABLES_BY_OPERATOR = ("sessions", "attempts", "cards", "assignments")
SECURED_TABLES = (*TABLES_BY_OPERATOR, "reviews", "team_members")
POLICIES = {  # name → statement
    **{f"{table}_{kind}": statement for table in ("sessions", "attempts", "cards") for kind, statement in (
        ("own", f"CREATE POLICY {table}_own ON {table} TO {{operator}} USING (operator = current_user) "
                f"WITH CHECK (operator = current_user)"),
        ("team", f"CREATE POLICY {table}_team ON {table} FOR SELECT TO {{mentor}} USING (operator IN {TEAM})"),
    )},
    "assignments_own": "CREATE POLICY assignments_own ON assignments FOR SELECT TO {operator} "
                       "USING (operator = current_user)",
    "assignments_team": f"CREATE POLICY assignments_team ON assignments TO {{mentor}} USING (operator IN {TEAM}) "
                        f"WITH CHECK (operator IN {TEAM} AND assigned_by = current_user)",
    "reviews_own": "CREATE POLICY reviews_own ON reviews FOR SELECT TO {operator} USING "
                   "(attempt_id IN (SELECT a.id FROM attempts AS a WHERE a.operator = current_user))",
    "reviews_team": f"CREATE POLICY reviews_team ON reviews TO {{mentor}} USING "
                    f"(attempt_id IN (SELECT a.id FROM attempts AS a WHERE a.operator IN {TEAM})) "
                    f"WITH CHECK (mentor = current_user AND attempt_id IN "
                    f"(SELECT a.id FROM attempts AS a WHERE a.operator IN {TEAM}))",
    "team_members_visible": "CREATE POLICY team_members_visible ON team_members FOR SELECT TO {operator}, {mentor} "
                            "USING (operator = current_user OR mentor = current_user)",
}


def setup(store: Store) -> list[str]:
    """Create or bring up to date the roles, grants and policies. Idempotent. Returns what was done."""
    db = _postgres(store)
    from psycopg import sql

    done = []
    with db.transaction():
        roles = {row["rolname"] for row in db.query("SELECT rolname FROM pg_roles WHERE rolname IN (?, ?)",
                                                    (OPERATOR, MENTOR))}
        for role in (OPERATOR, MENTOR):  # NOLOGIN: people log in as themselves and are granted one of these
            if role not in roles:
                db.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        for statement in GRANTS:
            db.execute(_with_roles(statement))
        for table in SECURED_TABLES:
            db.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(sql.Identifier(table)))
            done.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        existing = {row["policyname"] for row in db.query("SELECT policyname FROM pg_policies")}
        for name, statement in POLICIES.items():
            if name not in existing:
                db.execute(_with_roles(statement))
                done.append(f"CREATE POLICY {name}")
    return done


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
                raise InputError("--mentor puts an operator in a mentor's team; leave it out for --role mentor")
            _person(db, mentor)
            if mentor == name:
                raise InputError(f"{name} cannot be their own mentor")
            if not db.query("SELECT pg_has_role(?, ?, 'MEMBER') AS yes", (mentor, MENTOR))[0]["yes"]:
                raise InputError(f"--mentor {mentor}: not an objcoach mentor yet; run "
                                 f"objcoach db grant {mentor} --role mentor first")
        db.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name)))
        if mentor:
            db.execute("INSERT INTO team_members (mentor, operator) VALUES (?, ?) ON CONFLICT DO NOTHING",
                       (mentor, name))


def _person(db: PostgresConnection, name: str) -> None:
    """Refuse a role that is not one person's login: being granted a group would let it (or anyone who may
    SET ROLE to it) practise under a shared name, and a superuser or owner is above row-level security."""
    if not name or "\x00" in name:
        raise InputError(f"not a usable role name: {name!r}")
    if name.startswith(("pg_", "objcoach_")) or name == "postgres":
        raise InputError(f"{name}: a group or system role, not a person; grant objcoach roles to people's "
                         f"own login roles")
    found = db.query("SELECT r.rolcanlogin AS login, r.rolsuper AS super, "
                     "r.rolname = (SELECT t.tableowner FROM pg_tables AS t WHERE t.tablename = 'attempts' "
                     "AND t.schemaname = current_schema()) AS owner FROM pg_roles AS r WHERE r.rolname = ?", (name,))
    if not found:
        raise InputError(f"role {name!r} does not exist; create it first (createuser {name} --login)")
    if found[0]["super"] or found[0]["owner"]:
        raise InputError(f"{name}: a superuser or the owner of the tables, above row-level security; "
                         f"grant objcoach roles to people's own login roles")
    if not found[0]["login"]:
        raise InputError(f"{name}: cannot log in (a group role, not a person); grant objcoach roles to "
                         f"people's own login roles")


def _with_roles(statement: str) -> Composed:
    """`statement` with {operator} and {mentor} filled in as quoted role names."""
    from psycopg import sql

    return sql.SQL(statement).format(operator=sql.Identifier(OPERATOR), mentor=sql.Identifier(MENTOR))


def _postgres(store: Store) -> PostgresConnection:
    if not isinstance(store.c, PostgresConnection):
        raise StoreError(f"{store.c.label}: roles and row-level security are PostgreSQL's (give a postgresql:// URL)")
    return store.c
