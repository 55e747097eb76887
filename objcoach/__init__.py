"""objcoach: practise answering client objections in the terminal."""

__version__ = "0.1.0"
