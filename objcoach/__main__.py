"""The `objcoach` command (and `python -m objcoach`)."""


def main(prog_name: str | None = None) -> None:
    from objcoach.cli.app import app

    app(prog_name=prog_name)


if __name__ == "__main__":
    main("objcoach")
