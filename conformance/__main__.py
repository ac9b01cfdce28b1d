"""``python -m conformance``, and the ``conformance`` console script.

The command-line module is imported here, inside a guard: it loads the whole toolkit (a few
tenths of a second), and a Ctrl-C in that time would otherwise print Python's traceback.
"""

from __future__ import annotations

import sys

_INTERRUPTED = 2  # cli.EXIT_USAGE, which cannot be imported before the guard


def main() -> int:
    try:
        from conformance.cli import main as run  # noqa: PLC0415  (the guard is the point)
    except KeyboardInterrupt:
        print("conformance: interrupted; nothing was written", file=sys.stderr)
        return _INTERRUPTED
    return run()


if __name__ == "__main__":
    sys.exit(main())
