"""The `objcoach` command (and `python -m objcoach`)."""


def main(prog_name: str | None = None) -> None:
    import gc

    # A command builds tens of thousands of objects at start (Typer, click, the catalog, the scorer) that
    # live until it ends. Python's cyclic collector would look them over again and again while they are
    # made, and once more at exit: a tenth of a short command's work. objcoach makes few reference cycles,
    # so the collector runs rarely here, and not at all over what is alive at the end.
    gc.set_threshold(100_000)
    try:
        from objcoach.cli.app import app

        app(prog_name=prog_name)
    finally:
        gc.freeze()


if __name__ == "__main__":
    main("objcoach")
