""".dockerignore files, matched the way Docker and BuildKit match them.

Reading follows moby's ``ignorefile.ReadAll``: a UTF-8 BOM is dropped, a line whose
first character is ``#`` is a comment, surrounding white space is trimmed, ``!`` marks
an exception, each pattern is cleaned like Go's ``filepath.Clean`` and a leading ``/``
is dropped. Matching follows moby's ``patternmatcher`` (``MatchesOrParentMatches``): the
last pattern that matches the path or one of its parent directories decides; ``*`` and
``?`` never cross ``/``, ``**`` crosses any number of directories, ``\\`` escapes the next
character (on Windows it is a path separator instead) and matching is case-sensitive.

BuildKit reads ``<Dockerfile-name>.dockerignore`` next to the Dockerfile in preference
to ``.dockerignore`` at the root of the context (:func:`ignore_file_for`).
"""

from __future__ import annotations

import os
import posixpath
import re
from functools import lru_cache

from mldocklint.records import NamedTuple

_ESCAPE = frozenset(".+()|{}$")


class PatternError(ValueError):
    pass


def _clean(p: str) -> str:
    """Go's ``filepath.Clean`` for slash paths."""
    if not p:
        return "."
    out = posixpath.normpath(p)
    if out.startswith("//"):
        out = "/" + out.lstrip("/")
    return out


def read_patterns(text: str, windows: bool = False) -> list[tuple[int, str]]:
    """(line, pattern) for every pattern of a .dockerignore file, cleaned as Docker does."""
    found = []
    for n, raw in enumerate(text.split("\n"), 1):
        if raw.endswith("\r"):
            raw = raw[:-1]
        if n == 1:
            raw = raw.removeprefix("\ufeff")
        if raw.startswith("#"):
            continue
        pattern = raw.strip()
        if not pattern:
            continue
        invert = pattern[0] == "!"
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            if windows:
                pattern = pattern.replace("\\", "/")
            pattern = _clean(pattern)
            if len(pattern) > 1 and pattern[0] == "/":
                pattern = pattern[1:]
        found.append((n, "!" + pattern if invert else pattern))
    return found


def _translate(pattern: str, windows: bool) -> str:
    """The regular expression for one cleaned pattern (moby ``Pattern.compile``)."""
    if pattern.startswith("**"):
        rest = pattern[2:]
        if not any(c in rest for c in "*?[]\\"):
            # moby's suffix match: "**/foo" is any path ending in "/foo", or "foo" itself
            alt = "|" + re.escape(rest[1:]) + r"\Z" if rest.startswith("/") else ""
            return r"(?s:.*)" + re.escape(rest) + r"\Z" + alt
    if pattern.endswith("**") and not any(c in pattern[:-2] for c in "*?[]\\"):
        return re.escape(pattern[:-2])  # prefix match
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i >= n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch in _ESCAPE:
            out.append("\\" + ch)
        elif ch == "\\":
            if windows:
                out.append(r"\\")
            elif i < n:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                out.append(r"\\")
        else:
            out.append(ch)
    return "".join(out) + r"\Z"


class _Pattern(NamedTuple):
    text: str
    exclusion: bool
    regex: re.Pattern


class Matcher:
    """An ordered list of .dockerignore patterns."""

    def __init__(self, patterns: list[str], windows: bool = False):
        self.patterns: list[_Pattern] = []
        for p in patterns:
            p = p.strip()
            if not p:
                continue
            p = _clean(p)
            exclusion = p[0] == "!"
            if exclusion:
                if len(p) == 1:
                    raise PatternError('illegal exclusion pattern: "!"')
                p = p[1:]
            if len(p) > 1 and p[0] == "/":
                p = p[1:]  # paths are relative to the context root
            if not windows and (len(p) - len(p.rstrip("\\"))) % 2:
                raise PatternError(f"syntax error in pattern {p!r}")
            try:
                regex = re.compile(_translate(p, windows))
            except re.error as e:
                raise PatternError(f"syntax error in pattern {p!r}: {e}") from None
            self.patterns.append(_Pattern(p, exclusion, regex))
        self.has_exceptions = any(p.exclusion for p in self.patterns)
        joined = "|".join(f"(?:{p.regex.pattern})" for p in self.patterns)
        self._any = re.compile(joined) if joined else None

    def matches(self, path: str) -> bool:
        """True when ``path`` (relative, ``/``-separated) is excluded from the context."""
        matched = False
        for p in self.patterns:
            if p.exclusion != matched:
                continue
            if p.regex.match(path) or self._parent_matches(p, path):
                matched = not p.exclusion
        return matched

    # -- fast path for walking a tree -------------------------------------------------

    def child(self, path: str, parent: tuple[bool, tuple[bool, ...]] | None) -> tuple[bool, tuple[bool, ...]]:
        """(excluded, per-pattern matches) of ``path``, given the result of its directory.

        Same answer as :meth:`matches`, computed incrementally while walking a tree: a
        path matches a pattern when its directory did. ``parent`` is None at the top.
        """
        if parent is not None and (self._any is None or not self._any.match(path)):
            return parent
        flags = []
        matched = False
        for k, p in enumerate(self.patterns):
            if parent is not None:
                hit = parent[1][k] or p.regex.match(path) is not None
            else:
                hit = p.regex.match(path) is not None or self._parent_matches(p, path)
            flags.append(hit)
            if hit:
                matched = not p.exclusion
        return matched, tuple(flags)

    @staticmethod
    def _parent_matches(p: _Pattern, path: str) -> bool:
        parts = path.split("/")
        return any(p.regex.match("/".join(parts[: k + 1])) for k in range(len(parts) - 1))


def parse(text: str, windows: bool | None = None) -> tuple[Matcher, tuple[tuple[int, str], ...]]:
    """A matcher for a .dockerignore text, and (line, message) for patterns Docker rejects."""
    return _parse(text, os.sep == "\\" if windows is None else windows)


@lru_cache(maxsize=256)  # the services of a monorepo often share one .dockerignore text
def _parse(text: str, windows: bool) -> tuple[Matcher, tuple[tuple[int, str], ...]]:
    good: list[str] = []
    problems = []
    for line, pattern in read_patterns(text, windows):
        try:
            Matcher([pattern], windows)
        except PatternError as e:
            problems.append((line, str(e)))
            continue
        good.append(pattern)
    return Matcher(good, windows), tuple(problems)


def ignore_file_for(context_root: str, dockerfile: str | None) -> str | None:
    """The ignore file BuildKit uses: ``<name>.dockerignore`` beside the Dockerfile, else ``.dockerignore``."""
    if dockerfile:
        beside = os.path.join(os.path.dirname(os.path.abspath(dockerfile)), os.path.basename(dockerfile) + ".dockerignore")
        if os.path.isfile(beside):
            return beside
    root = os.path.join(context_root, ".dockerignore")
    return root if os.path.isfile(root) else None
