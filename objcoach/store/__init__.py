"""The history of practice on SQLite or PostgreSQL: the only SQL in objcoach."""
