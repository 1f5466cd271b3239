"""Splitting RUN, CMD and ENTRYPOINT text into simple commands and words.

Good enough to see which programs a script runs and with which arguments; it does
not try to be a shell. Quotes are removed from words, operators split commands.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mldocklint import lazyre
from mldocklint.model import Instruction
from mldocklint.records import NamedTuple

_TOKEN = lazyre.compile(
    r"""(?P<op>&&|\|\||;;|[;&|()\n])"""
    r"""|(?P<redir>\d*(?:>>|>&|<&|&>|>\||<<<|<<-|<<|<>|[<>])(?:&?\d+|-)?)"""
    r"""|(?P<word>(?:[^\s'"\\;&|()<>]|\\[^\n]|\\$|'[^']*'?|"(?:[^"\\]|\\.)*"?)+)"""
    r"""|(?P<space>[ \t\r\f\v]+|\\\n)""",
    re.S,
)
_UNQUOTE = lazyre.compile(r"""\\(.)|'([^']*)'?|"((?:[^"\\]|\\.)*)"?""", re.S)
_DQ_ESCAPE = lazyre.compile(r"""\\([$`"\\\n])""")
_ASSIGN = lazyre.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PIP = lazyre.compile(r"pip(3(\.\d+)?)?")
_WRAPPERS = frozenset(("sudo", "exec", "time", "nohup", "command", "builtin", "xargs"))


def _unquote(word: str) -> str:
    if "'" not in word and '"' not in word and "\\" not in word:
        return word

    def sub(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return m.group(2)
        return _DQ_ESCAPE.sub(r"\1", m.group(3))

    return _UNQUOTE.sub(sub, word)


def split_commands(script: str) -> list[list[str]]:
    """Simple commands of a shell script: ``a && b | c; d`` -> [[a], [b], [c], [d]]."""
    return [list(c) for c in _split(script)]


@lru_cache(maxsize=4096)  # the same RUN text is read by several rules and the context loader
def _split(script: str) -> tuple[tuple[str, ...], ...]:
    commands: list[list[str]] = []
    words: list[str] = []
    skip_next = False
    pattern = False  # reading the patterns of a `case` branch (`a|b)`)
    heredocs: list[tuple[str, bool]] = []  # (delimiter, tabs stripped) of `<<EOF` redirects on this line
    pos, end = 0, len(script)
    while pos < end:
        m = _TOKEN.match(script, pos)
        if m is None:
            pos += 1
            continue
        pos = m.end()
        kind = m.lastgroup
        if kind == "word":
            text = m.group()
            if skip_next:
                skip_next = False
                if heredocs and heredocs[-1][0] is None:
                    heredocs[-1] = (_unquote(text), heredocs[-1][1])
                continue
            if text.startswith("#"):  # a comment runs to the end of the line
                nl = script.find("\n", pos)
                pos = end if nl < 0 else nl
                continue
            words.append(_unquote(text))
        elif kind == "op":
            op = m.group()
            if op == "\n" and heredocs:  # the bodies of this line's here-documents follow it
                pos = _skip_heredocs(script, pos, heredocs)
                heredocs = []
            if words[:1] == ["case"] or (pattern and op in ")|"):
                pattern = op != ")"  # `case WORD in a)` or `a|b)`: patterns, not commands
                words = []
                continue
            if op in (";;", ";&"):
                pattern = True
            if words:
                command = _compound(_strip_comments(words))
                if command:
                    commands.append(command)
                elif words[0] == "esac":
                    pattern = False
                words = []
        elif kind == "redir":
            r = m.group()
            skip_next = not r.endswith("-") and not r[-1].isdigit()
            if r.lstrip("0123456789") in ("<<", "<<-"):
                heredocs.append((None, r.endswith("-")))
                skip_next = True
    if words:
        command = _compound(_strip_comments(words))
        if command:
            commands.append(command)
    return tuple(tuple(c) for c in commands)


def _skip_heredocs(script: str, pos: int, heredocs: list) -> int:
    """Position after the bodies of here-documents that start at ``pos`` (each ends at its delimiter line)."""
    for delimiter, tabs in heredocs:
        if delimiter is None:
            continue
        while pos < len(script):
            nl = script.find("\n", pos)
            line = script[pos : len(script) if nl < 0 else nl]
            pos = len(script) if nl < 0 else nl + 1
            if (line.lstrip("\t") if tabs else line).rstrip("\r") == delimiter:
                break
    return pos


# words that open or close compound commands; the command follows them
_LEADING = frozenset(("if", "then", "elif", "else", "do", "while", "until", "!", "{"))
_CLOSING = frozenset(("fi", "done", "esac", "}"))
_LOOPS = frozenset(("for", "select"))


def _compound(words: list[str]) -> list[str]:
    """The simple command inside compound syntax: ``then pip install x`` -> ``pip install x``.

    ``for x in ...`` and the closing words (``fi``, ``done``, ``esac``, ``}``) are no command.
    """
    k = 0
    while k < len(words) and words[k] in _LEADING:
        k += 1
    if k < len(words) and (words[k] in _CLOSING or words[k] in _LOOPS):
        return []
    return words[k:]


def _strip_comments(words: list[str]) -> list[str]:
    for k, w in enumerate(words):
        if w.startswith("#") and k > 0:
            return words[:k]
    return words


def argv(words: list[str]) -> list[str]:
    """Drop leading ``VAR=value`` assignments, ``env`` and wrappers such as ``sudo``."""
    k = 0
    while k < len(words):
        w = words[k]
        if _ASSIGN.match(w):
            k += 1
        elif w in _WRAPPERS or w == "env":
            k += 1
            while k < len(words) and words[k].startswith("-") and w != "xargs":
                k += 1
        else:
            break
    return words[k:]


def program(word: str) -> str:
    """The program a command word names: ``/usr/bin/pip3`` -> ``pip3``."""
    return word.rpartition("/")[2]


SHELLS = frozenset(("sh", "bash", "dash", "ash", "zsh"))
_SHELL_CHARS = lazyre.compile(r"[$`'\"\\|&;<>*?\[\]{}()~#!\n]")
_BUILTINS = frozenset(
    ". : [ alias break case cd continue do done elif else esac eval exec exit export fi for "
    "function if local read readonly return select set shift source then time trap ulimit umask "
    "unset until wait while".split()
)


_NEEDS_SHELL = lazyre.compile(r"[$`|&;<>*?(){}~]")


_QUOTED = lazyre.compile(r"'[^']*'|" r'"((?:[^"\\]|\\.)*)"')


def needs_shell(command: str) -> bool:
    """The command uses what only a shell does: variables, operators, redirections, globs,
    sub-shells (quoted text counts only for the expansions double quotes allow)."""
    bare = _QUOTED.sub(lambda m: "".join(c for c in (m.group(1) or "") if c in "$`"), command)
    return bool(_NEEDS_SHELL.search(bare))


def plain_words(command: str) -> list[str] | None:
    """The words of ``command`` when running it through ``/bin/sh -c`` adds nothing, else None."""
    if _SHELL_CHARS.search(command):
        return None
    words = command.split()
    if not words or _ASSIGN.match(words[0]) or words[0] in _BUILTINS:
        return None
    return words

_HEREDOC_MARK = lazyre.compile(r"\d*<<-?\s*(['\"]?)[^\s'\"]+\1")


def scripts(instr: Instruction) -> list[str]:
    """The shell text a shell-form instruction runs: the line, or heredoc bodies fed to a shell."""
    target = instr.sub if instr.sub is not None else instr
    if not target.heredocs:
        return [target.rest]
    head = _HEREDOC_MARK.sub("", target.rest).strip()
    words = head.split()
    if not words or program(words[0]) in SHELLS:
        return [doc.content for doc in target.heredocs]
    return [head]


@lru_cache(maxsize=4096)
def commands(instr: Instruction) -> list[list[str]]:
    """Every simple command an instruction runs, wrappers stripped; looks inside ``sh -c``;
    cached (the build context, the roles and the rules all read the same RUNs): the lists
    returned are shared and must not be changed."""
    target = instr.sub if instr.sub is not None else instr
    if target.exec_form:
        pending = [list(target.value)]
    else:
        pending = [w for script in scripts(instr) for w in split_commands(script)]
    found = []
    for words in pending:
        a = argv(words)
        if not a:
            continue
        found.append(a)
        inner = shell_script(a)
        if inner is not None:
            found.extend(x for x in (argv(w) for w in split_commands(inner)) if x)
    return found


_SHORT_C = lazyre.compile(r"-[A-Za-z]*c[A-Za-z]*")


def shell_script(words: list[str]) -> str | None:
    """The script of ``sh -c SCRIPT`` (also ``bash -lc``, ``bash -euxc``), else None."""
    if not words or program(words[0]) not in SHELLS:
        return None
    for k, w in enumerate(words[1:-1], 1):
        if _SHORT_C.fullmatch(w):
            return words[k + 1]
        if not w.startswith(("-", "+")):
            return None
    return None


class Install(NamedTuple):
    """A command that installs Python packages: which tool, and where its arguments start."""

    tool: str  # "pip" (pip, pip3, python -m pip), "uv" (uv pip), "uv-project" (uv add/sync), "pipx", "poetry", "conda"
    action: str  # the sub-command: "install", "add" or "sync"
    start: int  # index in the command's words of the first argument after the sub-command

    @property
    def locked(self) -> bool:
        """Installs what a lock file says (``uv sync``, ``poetry install``), not named packages."""
        return self.action == "sync" or (self.tool == "poetry" and self.action == "install")


_CONDA = frozenset(("conda", "mamba", "micromamba"))
_SUBCOMMANDS = {"pip": ("install",), "uv": ("install",), "uv-project": ("add", "sync"), "pipx": ("install",), "poetry": ("install", "add"), "conda": ("install",)}


def installer(words: list[str]) -> Install | None:
    """What a command installs with: ``pip``/``pip3``/``pip3.11``, ``pythonX.Y -m pip``, ``uv pip``,
    ``python -m uv pip``, ``uv add``/``uv sync``, ``pipx install``, ``poetry install``/``add``,
    ``conda``/``mamba``/``micromamba install`` and ``conda run ... pip``; None for other commands."""
    if not words:
        return None
    prog = program(words[0])
    k = 1
    if prog in _CONDA and words[1:2] == ["run"]:
        k = 2
        while k < len(words) and words[k].startswith("-"):
            k += 2 if words[k] in ("-n", "--name", "-p", "--prefix") else 1
        found = installer(words[k:])
        return found._replace(start=found.start + k) if found is not None else None
    if prog.startswith("python") and words[1:2] == ["-m"] and len(words) > 2:
        prog, k = words[2], 3
    if prog == "uv":
        tool, k = ("uv", k + 1) if words[k : k + 1] == ["pip"] else ("uv-project", k)
    elif _PIP.fullmatch(prog):
        tool = "pip"
    elif prog in ("pipx", "poetry"):
        tool = prog
    elif prog in _CONDA:
        tool = "conda"
    else:
        return None
    while k < len(words) and words[k].startswith("-"):  # global options before the sub-command
        k += 1
    if k >= len(words) or words[k] not in _SUBCOMMANDS[tool]:
        return None
    return Install(tool, words[k], k + 1)


def pip_install_args(words: list[str]) -> list[str] | None:
    """Arguments after ``install`` when the command is a pip install (pip, ``uv pip``), else None."""
    found = installer(words)
    if found is None or found.tool not in ("pip", "uv"):
        return None
    return words[found.start :]


# pip reads any unique prefix of a long option as that option (optparse); pip install's options
_PIP_LONG = tuple(
    "--help --debug --isolated --require-virtualenv --python --verbose --version --quiet --log --no-input "
    "--keyring-provider --proxy --retries --timeout --exists-action --trusted-host --cert --client-cert "
    "--cache-dir --no-cache-dir --disable-pip-version-check --no-color --no-python-version-warning "
    "--use-feature --use-deprecated --resume-retries --requirement --constraint --build-constraint --no-deps --pre "
    "--editable --dry-run --target --platform --python-version --implementation --abi --user --root --prefix "
    "--src --upgrade --upgrade-strategy --force-reinstall --ignore-installed --ignore-requires-python "
    "--no-build-isolation --use-pep517 --no-use-pep517 --check-build-dependencies --break-system-packages "
    "--config-settings --global-option --compile --no-compile --no-warn-script-location --no-warn-conflicts "
    "--no-binary --only-binary --prefer-binary --require-hashes --progress-bar --root-user-action --report "
    "--group --index-url --extra-index-url --no-index --find-links".split()
)


def pip_long_option(name: str) -> str:
    """The pip option a long option names: itself, or the one option it is a unique prefix of."""
    if not name.startswith("--") or name in _PIP_LONG:
        return name
    found = [o for o in _PIP_LONG if o.startswith(name)]
    return found[0] if len(found) == 1 else name


_PIP_OPTS_WITH_VALUE = frozenset(
    "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links "
    "-t --target --prefix --root --platform --python-version --implementation --abi --src "
    "--trusted-host --cache-dir --progress-bar --upgrade-strategy --no-binary --only-binary "
    "--report --python --config-settings -C --global-option "
    # pip general options
    "--log --proxy --retries --timeout --exists-action --cert --client-cert --use-feature --use-deprecated "
    "--keyring-provider --root-user-action --build-constraint --group "
    # uv pip install
    "-p --index --default-index --index-strategy --torch-backend --resolution --prerelease --fork-strategy "
    "--link-mode --python-platform --exclude-newer --override -b --build-constraints -P --upgrade-package "
    "--reinstall-package --refresh-package --no-build-package --no-binary-package --extra --config-setting "
    # uv add / uv sync, pipx, poetry
    "--package --optional --dev-group --only-group --no-group --with --without --only -E --extras --pip-args --suffix".split()
)
_CONDA_OPTS_WITH_VALUE = frozenset(("-c", "--channel", "-n", "--name", "-p", "--prefix", "-f", "--file"))  # -f: micromamba's --file


def pip_options(args: list[str], tool: str = "pip") -> tuple[dict[str, list[str]], list[str]]:
    """Split install arguments into options (name -> values) and requirement words.

    For pip, an abbreviated long option is read as the option it abbreviates (``--no-cache``).
    """
    opts: dict[str, list[str]] = {}
    reqs: list[str] = []
    with_value = _CONDA_OPTS_WITH_VALUE if tool == "conda" else _PIP_OPTS_WITH_VALUE
    k = 0
    while k < len(args):
        a = args[k]
        if a.startswith("-"):
            name, eq, val = a.partition("=")
            if tool == "pip":
                name = pip_long_option(name)
            if not eq and name not in with_value and len(name) > 2 and not name.startswith("--"):
                # -rrequirements.txt
                name, val, eq = name[:2], name[2:], "="
            if eq:
                opts.setdefault(name, []).append(val)
            elif name in with_value and k + 1 < len(args):
                opts.setdefault(name, []).append(args[k + 1])
                k += 1
            else:
                opts.setdefault(name, [])
        else:
            reqs.append(a)
        k += 1
    return opts, reqs


_APT = frozenset(("apt-get", "apt"))
_APT_OPTS_WITH_VALUE = frozenset(("-o", "--option", "-c", "--config-file", "-t", "--target-release"))


def apt_command(words: list[str]) -> int | None:
    """Index of the sub-command word (``install``, ``update``, ...) of an ``apt-get``/``apt`` command, else None."""
    if not words or program(words[0]) not in _APT:
        return None
    k = 1
    while k < len(words) and words[k].startswith("-"):
        k += 2 if words[k] in _APT_OPTS_WITH_VALUE else 1
    return k if k < len(words) else None


# package manager -> (install sub-commands, remove sub-commands, options that take a value)
_MANAGERS = {
    "apt-get": (("install",), ("purge", "remove", "autoremove"), _APT_OPTS_WITH_VALUE),
    "apt": (("install",), ("purge", "remove", "autoremove"), _APT_OPTS_WITH_VALUE),
    "apk": (("add",), ("del",), frozenset(("-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch"))),
    "yum": (("install",), ("remove", "erase", "autoremove"), frozenset(("-c", "--config", "--installroot", "--releasever", "--setopt"))),
    "dnf": (("install",), ("remove", "erase", "autoremove"), frozenset(("-c", "--config", "--installroot", "--releasever", "--setopt"))),
    "microdnf": (("install",), ("remove",), frozenset(("--config", "--installroot", "--releasever", "--setopt"))),
    "conda": (("install", "create"), ("remove", "uninstall"), frozenset(("-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"))),
}
_MANAGERS["mamba"] = _MANAGERS["micromamba"] = _MANAGERS["conda"]


def package_command(words: list[str]) -> tuple[str, str, list[tuple[int, str]]] | None:
    """(manager, "install" or "remove", [(word index, package word)]) for a system or conda package command.

    Knows apt-get/apt, apk, yum/dnf/microdnf and conda/mamba/micromamba; option values
    (``-c conda-forge``, ``--virtual .build-deps``) are not packages. None for other commands.
    """
    if not words or program(words[0]) not in _MANAGERS:
        return None
    manager = program(words[0])
    installs, removes, with_value = _MANAGERS[manager]
    action = None
    packages = []
    k = 1
    while k < len(words):
        w = words[k]
        if w.startswith("-"):
            k += 2 if w in with_value else 1
            continue
        if action is None:
            if w not in installs + removes:
                return None
            action = "install" if w in installs else "remove"
        else:
            packages.append((k, w))
        k += 1
    return (manager, action, packages) if action else None
