"""The command line: the Typer frame and its error boundary, one module per command group, rendering."""
