"""Regular expressions compiled when first used.

A module-level pattern made with ``compile`` costs nothing at import: its first use
compiles it and binds the compiled pattern's methods to it, so later calls cost what
calls on a compiled pattern cost. Compiling every pattern of the package at import was
about a fifth of a cold ``mldocklint check``, and most files need only some of them.
"""

from __future__ import annotations

import re

_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner", "flags", "groups", "groupindex")


class Pattern:
    """Stands for ``re.compile(pattern, flags)`` until first used."""

    def __init__(self, pattern, flags: int = 0):
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazyre.compile({self.pattern!r})"


def compile(pattern, flags: int = 0) -> Pattern:  # noqa: A001 - re.compile's name, on purpose
    return Pattern(pattern, flags)
