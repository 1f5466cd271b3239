"""Splitting RUN, CMD and ENTRYPOINT text into simple commands and words.

Good enough to see which programs a script runs and with which arguments; it does
not try to be a shell. Quotes are removed from words, operators split commands.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mldocklint.model import Instruction

_TOKEN = re.compile(
    r"""(?P<op>&&|\|\||;;|[;&|()\n])"""
    r"""|(?P<redir>\d*(?:>>|>&|<&|&>|>\||<<<|<>|[<>])(?:&?\d+|-)?)"""
    r"""|(?P<word>(?:[^\s'"\\;&|()<>]|\\[^\n]|\\$|'[^']*'?|"(?:[^"\\]|\\.)*"?)+)"""
    r"""|(?P<space>[ \t\r\f\v]+|\\\n)""",
    re.S,
)
_UNQUOTE = re.compile(r"""\\(.)|'([^']*)'?|"((?:[^"\\]|\\.)*)"?""", re.S)
_DQ_ESCAPE = re.compile(r"""\\([$`"\\\n])""")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PIP = re.compile(r"pip(3(\.\d+)?)?")
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
    for m in _TOKEN.finditer(script):
        kind = m.lastgroup
        if kind == "word":
            if skip_next:
                skip_next = False
                continue
            text = m.group()
            if text.startswith("#") and not words:
                # a comment runs to the end of the line
                continue
            words.append(_unquote(text))
        elif kind == "op":
            if words:
                commands.append(words)
                words = []
        elif kind == "redir":
            skip_next = not m.group().endswith(("-",)) and not m.group()[-1].isdigit()
    if words:
        commands.append(words)
    return tuple(tuple(_strip_comments(c)) for c in commands if c)


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


_SHELLS = frozenset(("sh", "bash", "dash", "ash", "zsh"))
_HEREDOC_MARK = re.compile(r"\d*<<-?\s*(['\"]?)[^\s'\"]+\1")


def scripts(instr: Instruction) -> list[str]:
    """The shell text a shell-form instruction runs: the line, or heredoc bodies fed to a shell."""
    target = instr.sub if instr.sub is not None else instr
    if not target.heredocs:
        return [target.rest]
    head = _HEREDOC_MARK.sub("", target.rest).strip()
    words = head.split()
    if not words or program(words[0]) in _SHELLS:
        return [doc.content for doc in target.heredocs]
    return [head]


def commands(instr: Instruction) -> list[list[str]]:
    """Every simple command an instruction runs, wrappers stripped; looks inside ``sh -c``."""
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
        if program(a[0]) in _SHELLS and "-c" in a[1:]:
            k = a.index("-c")
            if k + 1 < len(a):
                found.extend(x for x in (argv(w) for w in split_commands(a[k + 1])) if x)
    return found


def pip_install_args(words: list[str]) -> list[str] | None:
    """Arguments after ``install`` when the command is a pip install, else None.

    Knows ``pip``, ``pip3``, ``pip3.11``, ``python -m pip``, ``uv pip`` and ``conda run ... pip``.
    """
    if not words:
        return None
    prog = program(words[0])
    rest = words[1:]
    if prog in ("conda", "mamba", "micromamba") and rest[:1] == ["run"]:
        k = 1
        while k < len(rest) and rest[k].startswith("-"):
            k += 2 if rest[k] in ("-n", "--name", "-p", "--prefix") else 1
        return pip_install_args(rest[k:])
    if prog.startswith("python"):
        if len(rest) >= 2 and rest[0] == "-m" and rest[1] in ("pip", "pip3"):
            rest = rest[2:]
        else:
            return None
    elif prog == "uv" and rest[:1] == ["pip"]:
        rest = rest[1:]
    elif not _PIP.fullmatch(prog):
        return None
    # skip global options before the sub-command
    while rest and rest[0].startswith("-"):
        rest = rest[1:]
    if rest[:1] != ["install"]:
        return None
    return rest[1:]


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
    "--reinstall-package --refresh-package --no-build-package --no-binary-package --extra --config-setting".split()
)


def pip_options(args: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Split pip install arguments into options (name -> values) and requirement words."""
    opts: dict[str, list[str]] = {}
    reqs: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        if a.startswith("-"):
            name, eq, val = a.partition("=")
            if not eq and name not in _PIP_OPTS_WITH_VALUE and len(name) > 2 and not name.startswith("--"):
                # -rrequirements.txt
                name, val, eq = name[:2], name[2:], "="
            if eq:
                opts.setdefault(name, []).append(val)
            elif name in _PIP_OPTS_WITH_VALUE and k + 1 < len(args):
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
