"""``python -m ember.run script.py [args...]``: run a PyTorch program unchanged on ember.

Like ``python script.py`` (or ``python -m module`` with ``-m``), with ``torch``, ``torchvision``
and ``torchtext`` resolving to ember's modules (``ember.compat``): ``sys.argv``, ``__main__``,
the script's folder at the front of ``sys.path``, exit codes and tracebacks are those of plain
Python::

    python -m ember.run train.py --epochs 3
    python -m ember.run -m mypackage.train --epochs 3
"""

from __future__ import annotations

import os
import runpy
import sys

__all__ = ["main"]

USAGE = "usage: python -m ember.run script.py [args...] | -m module [args...]"


def main(argv: list[str] | None = None) -> None:
    """Run the program that ``argv`` (default ``sys.argv[1:]``) names, under the torch alias."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not args else sys.stdout)
        raise SystemExit(2 if not args else 0)
    from . import compat

    compat.install()
    sys.excepthook = _script_excepthook(sys.excepthook)
    if args[0] == "-m":
        if len(args) < 2:
            print("ember.run: -m needs a module name\n" + USAGE, file=sys.stderr)
            raise SystemExit(2)
        sys.argv = [args[1], *args[2:]]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return
    script = args[0]
    if not os.path.exists(script):
        print(
            f"{sys.executable}: can't open file {os.path.abspath(script)!r}: "
            "[Errno 2] No such file or directory",
            file=sys.stderr,
        )
        raise SystemExit(2)
    sys.argv = args
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


def _script_excepthook(hook):
    """Print an uncaught error as ``python script.py`` would: without ember.run's own frames."""

    def excepthook(kind, error, tb):
        while tb is not None and _is_launcher_frame(tb.tb_frame.f_code.co_filename):
            tb = tb.tb_next
        if error is not None:
            error.__traceback__ = tb  # the interpreter's hook prints the error's own traceback
        hook(kind, error, tb)

    return excepthook


def _is_launcher_frame(filename: str) -> bool:
    if filename in ("<frozen runpy>", runpy.__file__):
        return True
    return os.path.abspath(filename) == os.path.abspath(__file__)


if __name__ == "__main__":
    main()
