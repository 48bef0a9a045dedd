"""``python -m tachtu``: the ``tachtu`` command, where its script is not on PATH."""

from tachtu.cli import main

if __name__ == "__main__":  # not when a tool imports the module (pytest's doctest collection)
    main()
