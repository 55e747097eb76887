"""The `objcoach` command (and `python -m objcoach`)."""


def main(prog_name: str | None = None) -> None:
    from objcoach.collector import paused

    # Start-up builds tens of thousands of objects (Typer, click, our modules) that live until exit:
    # collecting among them while importing, at every later collection and once more at exit is wasted
    # work (10–20 ms of a 60 ms start). So: no collection while importing, then set them aside for good
    # (gc.freeze). The command itself runs with the collector on, as usual.
    with paused(freeze=True):
        from objcoach import cli

    cli.owns_process = True
    cli.app(prog_name=prog_name)


if __name__ == "__main__":
    main("objcoach")
