"""objcoach's version, in a module of its own: the caches and the grader's version read it without importing
the package's face (which names everything above them)."""

__version__ = "0.1.0"  # pyproject.toml reads it from here
