"""``python -m confirmcheck``: the same as the ``confirmcheck`` command."""

from confirmcheck.cli import run

if __name__ == "__main__":
    run()
