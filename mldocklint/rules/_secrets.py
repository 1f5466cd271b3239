"""What the secret rules (ML309, ML310, ML311) share: variable references, secret mounts and
the fix they all suggest. Which names are secret-like is ``knowledge.secret_names``."""

from __future__ import annotations

from mldocklint import lazyre
from mldocklint.knowledge.secret_names import is_pointer_value, is_secret_name
from mldocklint.model import Instruction
from mldocklint.target import dequote, mounts

_REF = lazyre.compile(r"\$(?:\{([A-Za-z_]\w*)[^}]*\}|([A-Za-z_]\w*))")
_ALTERNATE = lazyre.compile(r"\$\{\w+:?\+")
_WORD_REF = lazyre.compile(r"\$(?:\{\w+(?::?([-+=?])([^}]*))?\}|\w+)")  # a reference, with the word it may stand for


def pairs(instr: Instruction) -> list[tuple[str, str | None]]:
    """(name, value or None) pairs of an ENV or ARG."""
    if instr.keyword == "ENV":
        return [(instr.value[k], instr.value[k + 1]) for k in range(0, len(instr.value) - 1, 2)]
    out = []
    for word in instr.value:
        name, eq, value = word.partition("=")
        out.append((name, value if eq else None))
    return out


def is_literal(value: str | None) -> bool:
    """A value with literal text in it: not empty, not only variable references (the word of a
    ``${X:-word}`` or ``${X:+word}`` counts), not a path or a switch."""
    if value is None:
        return False
    text = _WORD_REF.sub(lambda m: m.group(2) if m.group(1) in ("-", "+", "=") else "", dequote(value.strip())).strip()
    return text != "" and not is_pointer_value(text)


def refs(text: str) -> list[str]:
    """Names of the variables ``text`` refers to (``$X``, ``${X}``, ``${X:-default}``), in order."""
    return [m.group(1) or m.group(2) for m in _REF.finditer(text)]


def value_refs(text: str) -> list[str]:
    """Variables whose value ``text`` holds: not ``${X:+word}`` (which holds ``word``)."""
    return [m.group(1) or m.group(2) for m in _REF.finditer(text) if not _ALTERNATE.match(m.group())]


def secret_refs(text: str) -> list[str]:
    return [n for n in value_refs(text) if is_secret_name(n)]


def secret_mount_envs(instr: Instruction) -> set[str]:
    """Variables a RUN's ``--mount=type=secret,...,env=X`` flags set."""
    return {fields["env"] for fields in mounts(instr) if fields.get("type") == "secret" and fields.get("env")}


def secret_mount(name: str, command: str = "<command>") -> str:
    """The build-time alternative for variable ``name``, in the exact syntax."""
    ident = name.lower()
    return f"`RUN --mount=type=secret,id={ident},env={name} {command}` with `docker build --secret id={ident},env={name} .`"
