"""Drill and exam sessions, and the spaced-repetition schedule."""
