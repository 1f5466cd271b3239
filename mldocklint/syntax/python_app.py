"""The Python app a container runs: which files (``entry_points``) and the facts its source
gives (``AppFacts``, read by ``python_source``).

The app is never imported or executed. ``entry_points`` reads the words a container
runs (``Target.entrypoint_words()``) and names the Python files the server runs or
imports, relative to the working directory.
"""

from __future__ import annotations

import os
import posixpath

from mldocklint import lazyre
from mldocklint.records import NamedTuple

# Host each server binds when the call names none (see the ML305 documentation for sources).
DEFAULT_HOSTS = {
    "flask": "127.0.0.1",
    "uvicorn": "127.0.0.1",
    "gradio": "127.0.0.1",
    "socketio": "127.0.0.1",
    "aiohttp": "0.0.0.0",
    "waitress": "0.0.0.0",
}
DEFAULT_PORTS = {"flask": 5000, "uvicorn": 8000, "gradio": 7860, "socketio": 5000, "aiohttp": 8080, "waitress": 8080}


class Value(NamedTuple):
    """A host or port argument: a literal, or an environment variable with a literal default."""

    literal: str | int | None  # the literal, or the default of os.environ.get(NAME, default)
    env: str | None = None  # the environment variable read, if any


class ServerCall(NamedTuple):
    """One call that starts a server."""

    kind: str  # "flask", "uvicorn", "gradio", "socketio", "aiohttp", "waitress"
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int  # exclusive
    host: Value | None  # None when the call names no host (the server's default applies)
    port: Value | None
    debug: bool  # debug=True
    reload: bool  # use_reloader=True / reload=True
    guarded: bool  # under ``if __name__ == "__main__":`` (runs only when the file is the main script)

    @property
    def default_host(self) -> str:
        return DEFAULT_HOSTS[self.kind]

    @property
    def default_port(self) -> int:
        return DEFAULT_PORTS[self.kind]


class AppFacts(NamedTuple):
    path: str
    calls: tuple[ServerCall, ...] = ()
    as_main: bool = True  # the container runs the file as the main script (not imports it)

    def active_calls(self) -> tuple[ServerCall, ...]:
        """Calls that run the way the container starts the file."""
        return tuple(c for c in self.calls if self.as_main or not c.guarded)


# -- what the container runs ------------------------------------------------------------

_APP_REF = lazyre.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_][\w.]*(?:\(.*\))?)?")
_PY = lazyre.compile(r"python[0-9.]*")
_SERVERS = frozenset(("gunicorn", "uvicorn", "hypercorn", "flask", "streamlit", "gradio"))
# options of gunicorn / uvicorn / hypercorn that take no value
_BOOL_OPTS = frozenset(
    "--reload --preload -D --daemon --check-config --print-config --spew --capture-output --reuse-port "
    "--enable-stdio-inheritance --no-sendfile --factory --proxy-headers --no-proxy-headers --access-log "
    "--no-access-log --use-colors --no-use-colors --server-header --no-server-header --date-header "
    "--no-date-header --reset-contextvars --debug -R --help --version".split()
)


def _module_files(module: str) -> list[str]:
    base = module.replace(".", "/")
    return [base + ".py", base + "/__init__.py"]


def _positionals(args: list[str]) -> tuple[list[str], dict[str, str]]:
    """Positional words of a server command line, and option values (``--chdir``, ``--app-dir``)."""
    pos: list[str] = []
    opts: dict[str, str] = {}
    k = 0
    while k < len(args):
        a = args[k]
        if a.startswith("-") and a != "-":
            name, eq, val = a.partition("=")
            if not eq and name not in _BOOL_OPTS and k + 1 < len(args):
                val, k = args[k + 1], k + 1
            opts[name] = val
        else:
            pos.append(a)
        k += 1
    return pos, opts


def entry_points(words: list[str]) -> list[tuple[str, bool]]:
    """(path, run as the main script) of the Python files ``words`` run or import, relative
    to the working directory: ``python app.py`` -> [("app.py", True)], ``gunicorn pkg.wsgi:app``
    -> [("pkg/wsgi.py", False), ("pkg/wsgi/__init__.py", False)]."""
    if any(" " in w for w in words):  # sh -c "python app.py"
        from mldocklint.syntax.shell import split_commands

        words = [x for w in words for c in split_commands(w) for x in c]
    k = next((i for i, w in enumerate(words) if _PY.fullmatch(os.path.basename(w)) or os.path.basename(w) in _SERVERS), None)
    if k is None:
        return []
    prog, args = os.path.basename(words[k]), words[k + 1 :]
    if _PY.fullmatch(prog):
        j = 0
        while j < len(args) and args[j].startswith("-") and args[j] != "-m":
            j += 2 if args[j] in ("-W", "-X") else 1
        if j >= len(args) or args[j] == "-c":
            return []
        if args[j] != "-m":
            return [(args[j], True)] if args[j].endswith(".py") else []
        if j + 1 >= len(args):
            return []
        module, rest = args[j + 1], args[j + 2 :]
        if module in _SERVERS:
            return entry_points([module, *rest])
        base = module.replace(".", "/")
        return [(base + ".py", True), (base + "/__main__.py", True)]
    pos, opts = _positionals(args)
    if prog in ("gunicorn", "uvicorn", "hypercorn"):
        ref = next((p for p in pos if _APP_REF.fullmatch(p)), None)
        if ref is None:
            return []
        root = opts.get("--chdir") or opts.get("--app-dir") or ""
        return [(posixpath.join(root, f) if root else f, False) for f in _module_files(ref.split(":", 1)[0])]
    if prog == "flask":
        app = opts.get("--app") or opts.get("-A")
        if not app:
            return [("app.py", False), ("wsgi.py", False)]
        target = app.split(":", 1)[0]
        return [(target, False)] if target.endswith(".py") else [(f, False) for f in _module_files(target)]
    if prog == "streamlit":
        return [(pos[1], True)] if len(pos) >= 2 and pos[0] == "run" and pos[1].endswith(".py") else []
    # gradio app.py
    return [(pos[0], True)] if pos and pos[0].endswith(".py") else []


def entry_modules(words: list[str]) -> list[str]:
    """The Python files ``words`` run or import, relative to the working directory."""
    return [path for path, _ in entry_points(words)]
