"""What the serving rules (ML305-ML307) share: the server a container starts, and where it listens.

``servers(target)`` finds the server commands of the stage being built (CMD and
ENTRYPOINT, an exec-form CMD giving the arguments of an ENTRYPOINT server) and, for each,
the host and port it binds: from its flags, from the environment variables it reads
(set by ``ENV`` in the stage or its parents), or from its own default. ``app_calls``
adds the server calls found in the application sources the container runs, when the
build context was read.
"""

from __future__ import annotations

import re

from mldocklint import lazyre
from mldocklint.model import Instruction, Problem
from mldocklint.records import NamedTuple
from mldocklint.syntax.shell import program, split_commands
from mldocklint.target import span, Target

LOOPBACK = lazyre.compile(r"(127(\.\d{1,3}){3}|localhost|::1|\[::1\])")

# server -> (host flags, port flags, bind flags (HOST:PORT), host env, port env, default host, default port)
_SPECS = {
    "gunicorn": ((), (), ("-b", "--bind"), None, None, "127.0.0.1", 8000),
    "hypercorn": ((), (), ("-b", "--bind"), None, None, "127.0.0.1", 8000),
    "uvicorn": (("--host",), ("--port",), (), "UVICORN_HOST", "UVICORN_PORT", "127.0.0.1", 8000),
    "flask": (("--host", "-h"), ("--port", "-p"), (), "FLASK_RUN_HOST", "FLASK_RUN_PORT", "127.0.0.1", 5000),
    "streamlit": (("--server.address",), ("--server.port",), (), "STREAMLIT_SERVER_ADDRESS", "STREAMLIT_SERVER_PORT", "0.0.0.0", 8501),
    "gradio": ((), (), (), "GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT", None, 7860),
    "fastapi": (("--host",), ("--port",), (), None, None, "0.0.0.0", 8000),
    "django": ((), (), (), None, None, "127.0.0.1", 8000),
}
_MODULES = frozenset(("gunicorn", "uvicorn", "hypercorn", "flask", "streamlit", "gradio", "fastapi"))
_SUBCOMMAND = {"flask": "run", "streamlit": "run", "fastapi": ("run", "dev")}


class Word(NamedTuple):
    text: str
    instr: Instruction
    command: int
    index: int


class Where(NamedTuple):
    """Where a setting comes from: a word of CMD/ENTRYPOINT, an ENV variable, or a default."""

    source: str  # "flag", "env", "default", "config" (a config file, at the program), "app"
    word: Word | None = None
    env: tuple[str, Instruction] | None = None  # (name, ENV instruction)


class Server(NamedTuple):
    name: str  # key of _SPECS
    program: Word  # the word that names the server
    args: tuple[Word, ...]  # its arguments, after the sub-command
    host: str | None  # None: unknown (a variable, a config file)
    host_at: Where
    port: int | None
    port_at: Where
    sub: str = ""  # the sub-command (`run`, `dev`), when the server has one
    words: tuple[Word, ...] = ()  # the whole command, from the server program on

    @property
    def host_env(self) -> str | None:
        """The environment variable this server reads its host from."""
        return _SPECS[self.name][3]

    @property
    def loopback(self) -> bool:
        return self.host is not None and LOOPBACK.fullmatch(self.host) is not None


def _words(target: Target) -> list[list[Word]]:
    """Commands of ENTRYPOINT then CMD; an exec-form CMD extends an exec-form ENTRYPOINT's command."""
    stage = target.final
    ep, cmd = target.last("ENTRYPOINT", stage), target.last("CMD", stage)
    if ep is not None and cmd is not None and ep.line > cmd.line and ep.stage == cmd.stage:
        cmd = None  # an ENTRYPOINT after the CMD resets it
    out: list[list[Word]] = []
    for instr in (ep, cmd):
        if instr is None:
            continue
        cmds = [[Word(w, instr, ci, wi) for wi, w in enumerate(c)] for ci, c in enumerate(target.commands(instr))]
        if instr is cmd and ep is not None and ep.exec_form and cmd.exec_form and out and cmds:
            out[-1] = out[-1] + cmds[0]
            cmds = cmds[1:]
        out.extend(cmds)
    return out


def _identify(words: list[Word]) -> tuple[str, int, int] | None:
    """(server, index of its program word, index of its first argument) of a command, or None."""
    prog = program(words[0].text)
    if prog.startswith("python") and len(words) > 1:
        k = 1
        while k < len(words) and words[k].text.startswith("-") and words[k].text != "-m":
            k += 1
        if k + 1 < len(words) and words[k].text == "-m" and words[k + 1].text in _MODULES:
            inner = _identify(words[k + 1 :])
            return (inner[0], inner[1] + k + 1, inner[2] + k + 1) if inner else None
        if k + 1 < len(words) and program(words[k].text) == "manage.py" and words[k + 1].text == "runserver":
            return "django", k + 1, k + 2
        return None
    if prog not in _SPECS:
        return None
    sub = _SUBCOMMAND.get(prog)
    if sub is None:
        return prog, 0, 1
    for k in range(1, len(words)):
        if words[k].text in ((sub,) if isinstance(sub, str) else sub):
            return prog, 0, k + 1
    return None


def _env(target: Target) -> dict[str, tuple[str, Instruction]]:
    return target.env(target.final)


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _split_bind(value: str) -> tuple[str | None, int | None]:
    """HOST:PORT, [::1]:PORT, HOST, unix:PATH -> (host, port); (None, None) when not a TCP address."""
    if value.startswith(("unix:", "fd://")) or "$" in value:
        return None, None
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        return host, _int(rest.lstrip(":")) if rest else 8000
    host, colon, port = value.rpartition(":")
    if not colon:
        return value, 8000
    return host or "0.0.0.0", _int(port)


def _option(args: tuple[Word, ...], names: tuple[str, ...]) -> tuple[str, Word] | None:
    """(value, word holding it) of the last ``--name value`` / ``--name=value`` in args."""
    found = None
    for k, w in enumerate(args):
        name, eq, val = w.text.partition("=")
        if name in names:
            if eq:
                found = (val, w)
            elif k + 1 < len(args):
                found = (args[k + 1].text, args[k + 1])
    return found


def servers(target: Target) -> list[Server]:
    env = _env(target)
    found = []
    for words in _words(target):
        ident = _identify(words) if words else None
        if ident is None:
            continue
        name, at, first = ident
        host_flags, port_flags, bind_flags, host_env, port_env, host_default, port_default = _SPECS[name]
        args = tuple(words[first:])
        prog = words[at]
        sub = words[first - 1].text if name in _SUBCOMMAND else ""
        host, port = host_default, port_default
        host_at = port_at = Where("default", prog)
        if name == "django":
            pos = [w for w in args if not w.text.startswith("-")]
            if pos:
                h, p = _split_bind(pos[0].text) if ":" in pos[0].text else (None, _int(pos[0].text))
                host, host_at = (h, Where("flag", pos[0])) if h is not None else (host, host_at)
                port, port_at = p, Where("flag", pos[0])
        if host_env and host_env in env:
            host, host_at = env[host_env][0], Where("env", env=(host_env, env[host_env][1]))
        if port_env and port_env in env:
            port, port_at = _int(env[port_env][0]), Where("env", env=(port_env, env[port_env][1]))
        if name in ("gunicorn", "hypercorn"):
            if _option(args, ("-c", "--config")) is not None:
                host = port = None  # a config file may set the bind
            elif name == "gunicorn":  # ./gunicorn.conf.py, then GUNICORN_CMD_ARGS, then $PORT
                conf = _gunicorn_conf(target)
                env_bind = None
                if "GUNICORN_CMD_ARGS" in env:
                    value, instr = env["GUNICORN_CMD_ARGS"]
                    env_bind = _option(tuple(Word(w, instr, 0, 0) for c in split_commands(value) for w in c), bind_flags)
                if env_bind is not None:
                    (host, port), host_at = _split_bind(env_bind[0]), Where("env", env=("GUNICORN_CMD_ARGS", instr))
                    port_at = host_at
                elif conf is None:
                    host = port = None  # the config file sets it in a way not read
                elif conf:
                    (host, port), host_at = _split_bind(conf[0]), Where("config", prog)
                    port_at = host_at
                elif "PORT" in env:
                    host, port = "0.0.0.0", _int(env["PORT"][0])
                    host_at = port_at = Where("env", env=("PORT", env["PORT"][1]))
        if name == "gradio":  # the app source decides unless the variables are set
            host = host if host_env in env else None
            port = port if port_env in env else None
        bind = _option(args, bind_flags) if bind_flags else None
        if bind is not None:
            (host, port), host_at = _split_bind(bind[0]), Where("flag", bind[1])
            port_at = host_at
        given = _option(args, host_flags) if host_flags else None
        if given is not None:
            host, host_at = given[0], Where("flag", given[1])
        given = _option(args, port_flags) if port_flags else None
        if given is not None:
            port, port_at = _int(given[0]), Where("flag", given[1])
        if name == "uvicorn" and _option(args, ("--uds", "--fd")) is not None:
            host = port = None
        if name == "fastapi" and sub == "dev" and host_at.source == "default":
            host = "127.0.0.1"
        if host is not None and "$" in host:
            host = None
        found.append(Server(name, prog, args, host, host_at, port, port_at, sub, tuple(words[at:])))
    return found


def _gunicorn_conf(target: Target) -> tuple[str, ...] | None:
    """The binds of the ./gunicorn.conf.py gunicorn reads by default: () when none is set or there
    is no such file, None when unknown (not a literal, or copied in without the context read)."""
    ctx = target.context
    if ctx is not None:
        found = getattr(ctx, "gunicorn_conf", None)
        return () if found is None else found[1]
    copied = any(i.keyword in ("COPY", "ADD") and any("gunicorn.conf.py" in v for v in i.value[:-1]) for i in target.effective(target.final))
    return None if copied else ()


def _env_span(target: Target, name: str, instr: Instruction, message: str, **kw) -> Problem:
    """A problem over ``NAME=value`` (or ``NAME value``) in an ENV instruction."""
    df = target.dockerfile
    src = df.text[instr.start : instr.end]
    m = re.search(rf"(?<![\w$]){re.escape(name)}(?=[=\s])", src)
    if m is None:
        return Problem.at(instr, message, **kw)
    end = len(src.rstrip())
    value = target.env(target.final).get(name, ("", instr))[0]
    after = src.find(value, m.end()) if value else -1
    if after >= 0:
        end = after + len(value)
        if end < len(src) and src[end] in "'\"":
            end += 1
    line, col, _, _ = span(instr, src, m.start(), 1)
    end_line, end_col, _, _ = span(instr, src, end, 0)
    return Problem(line, col, message, end_line=end_line, end_column=end_col, **kw)


def problem(target: Target, where: Where, message: str, **kw) -> Problem:
    """A problem at the word, ENV variable or program a setting comes from."""
    if where.env is not None:
        return _env_span(target, where.env[0], where.env[1], message, **kw)
    w = where.word
    return target.problem_at_word(w.instr, w.command, w.index, message, **kw)


def env_problem(target: Target, name: str, instr: Instruction, message: str, **kw) -> Problem:
    return _env_span(target, name, instr, message, **kw)


def app_calls(target: Target):
    """(shown path, python_app.ServerCall) for each server call in the app sources the container runs."""
    ctx = target.context
    apps = getattr(ctx, "apps", None) or {}
    for rel in sorted(apps):
        for call in apps[rel].active_calls():
            yield ctx.shown(rel), call


def app_problem(path: str, call, message: str, **kw) -> Problem:
    return Problem(call.line, call.column, message, end_line=call.end_line, end_column=call.end_column, path=path, **kw)
