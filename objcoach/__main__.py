from objcoach.cli import app

app(prog_name="objcoach")
