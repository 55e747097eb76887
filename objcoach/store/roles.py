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
"""

from __future__ import annotations

from objcoach.store.history import Store

OPERATOR = "objcoach_operator"
MENTOR = "objcoach_mentor"
TEAM = "(SELECT tm.operator FROM team_members AS tm WHERE tm.mentor = current_user)"

STATEMENTS = [
    # the two group roles (NOLOGIN: people log in as themselves and are granted one of these)
    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OPERATOR}') THEN "
    f"CREATE ROLE {OPERATOR} NOLOGIN; END IF; END $$",
    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{MENTOR}') THEN "
    f"CREATE ROLE {MENTOR} NOLOGIN; END IF; END $$",
    f"GRANT USAGE ON SCHEMA public TO {OPERATOR}, {MENTOR}",
    f"GRANT SELECT ON objcoach_meta TO {OPERATOR}, {MENTOR}",
    # operators: their own practice
    f"GRANT SELECT, INSERT ON sessions, attempts, cards TO {OPERATOR}",
    f"GRANT UPDATE (ended_at, average, passed) ON sessions TO {OPERATOR}",
    f"GRANT UPDATE (disputed, dispute_note) ON attempts TO {OPERATOR}",
    f"GRANT UPDATE (card, due, last_score, reviews) ON cards TO {OPERATOR}",
    f"GRANT SELECT ON reviews, assignments, team_members TO {OPERATOR}",
    # mentors: read their team, decide reviews, give assignments
    f"GRANT SELECT ON sessions, attempts, cards, team_members TO {MENTOR}",
    f"GRANT SELECT, INSERT, UPDATE ON reviews, assignments TO {MENTOR}",
]
TABLES_BY_OPERATOR = ("sessions", "attempts", "cards", "assignments")
POLICIES = [
    *[f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY" for table in
      (*TABLES_BY_OPERATOR, "reviews", "team_members")],
    *[statement for table in ("sessions", "attempts", "cards") for statement in (
        f"CREATE POLICY {table}_own ON {table} TO {OPERATOR} USING (operator = current_user) "
        f"WITH CHECK (operator = current_user)",
        f"CREATE POLICY {table}_team ON {table} FOR SELECT TO {MENTOR} USING (operator IN {TEAM})",
    )],
    f"CREATE POLICY assignments_own ON assignments FOR SELECT TO {OPERATOR} USING (operator = current_user)",
    f"CREATE POLICY assignments_team ON assignments TO {MENTOR} USING (operator IN {TEAM}) "
    f"WITH CHECK (operator IN {TEAM} AND assigned_by = current_user)",
    f"CREATE POLICY reviews_own ON reviews FOR SELECT TO {OPERATOR} USING "
    f"(attempt_id IN (SELECT a.id FROM attempts AS a WHERE a.operator = current_user))",
    f"CREATE POLICY reviews_team ON reviews TO {MENTOR} USING "
    f"(attempt_id IN (SELECT a.id FROM attempts AS a WHERE a.operator IN {TEAM})) "
    f"WITH CHECK (mentor = current_user AND attempt_id IN (SELECT a.id FROM attempts AS a WHERE a.operator IN {TEAM}))",
    f"CREATE POLICY team_members_visible ON team_members FOR SELECT TO {OPERATOR}, {MENTOR} "
    f"USING (operator = current_user OR mentor = current_user)",
]


def setup(store: Store) -> list[str]:
    """Create or bring up to date the roles, grants and policies. Idempotent. Returns what was done."""
    done = []
    with store.c.transaction():
        for statement in STATEMENTS:
            store.c.execute(statement)
        existing = {row["policyname"] for row in store.c.query("SELECT policyname FROM pg_policies")}
        for statement in POLICIES:
            name = statement.split()[2] if statement.startswith("CREATE POLICY") else ""
            if name and name in existing:
                continue
            store.c.execute(statement)
            done.append(statement.split(" ON ")[0] if name else statement)
    return done


def add_person(store: Store, name: str, role: str, mentor: str | None = None) -> None:
    """Grant a login role one of the two groups (and put an operator in a mentor's team)."""
    group = OPERATOR if role == "operator" else MENTOR
    with store.c.transaction():
        store.c.execute(f'GRANT {group} TO "{_ident(name)}"')
        if mentor:
            store.c.execute("INSERT INTO team_members (mentor, operator) VALUES (?, ?) ON CONFLICT DO NOTHING",
                            (mentor, name))


def _ident(name: str) -> str:
    """A role name as a quoted identifier; refuse anything that could break out of the quotes."""
    if not name or '"' in name or "\x00" in name:
        raise ValueError(f"not a usable role name: {name!r}")
    return name
