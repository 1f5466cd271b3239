"""Console entry point (``mldocklint`` and ``python -m mldocklint``).

``mldocklint --version`` and a check of paths without options (``mldocklint [check]
PATH...``, what the pre-commit hook and most terminal runs are) go straight to
``commands``; everything else goes through the click command line in ``cli``. click
takes longer to import than a small Dockerfile takes to lint. Once ``check`` has written
its reports, the process leaves without tearing the interpreter down (``_leave``): that
teardown took longer than linting a typical Dockerfile.
"""

from __future__ import annotations

import os
import sys

def _plain_paths(args: list[str]) -> list[str] | None:
    """The paths of ``[check] PATH...`` when no option is given, else None."""
    from mldocklint.commands import COMMANDS

    if args and args[0] in COMMANDS:
        if args[0] != "check":
            return None
        args = args[1:]
    if any(a.startswith("-") and a != "-" for a in args):
        return None
    return args


def run() -> None:
    """Usage errors and crashes exit 2, never 1."""
    from mldocklint import commands

    args = sys.argv[1:]
    try:
        if args == ["--version"]:
            from mldocklint import __version__

            print(f"mldocklint {__version__}")
            return
        commands.refuse_mistyped_command(args)
        paths = _plain_paths(args)
        if paths is not None:
            commands.check(paths)
        else:
            from mldocklint.cli import main

            main(standalone_mode=True)
    except SystemExit as e:
        if args and args[0] in commands.COMMANDS and args[0] != "check":
            raise  # the other commands (the language server, images) clean up as they exit
        _leave(e.code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        os._exit(commands.EXIT_PIPE)
    except Exception as e:  # pragma: no cover - last line of defence
        print(f"mldocklint: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        if "--debug" in args:
            import traceback

            traceback.print_exc()
        sys.exit(commands.EXIT_USAGE)


def _leave(code) -> None:
    """Exit with ``code`` (as ``sys.exit`` reads it) once the output is flushed, skipping the
    interpreter's teardown: ``check`` holds no resource that needs it."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the exit code still tells
        pass
    os._exit(code or 0)


if __name__ == "__main__":
    run()
