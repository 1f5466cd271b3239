"""Output formats: one module per format, each with ``render(result, out, ctx)``."""

from __future__ import annotations

import os
from importlib import import_module

from mldocklint.records import NamedTuple

FORMATS = {
    "text": "mldocklint.report.text",
    "json": "mldocklint.report.json_format",
    "sarif": "mldocklint.report.sarif",
    "github": "mldocklint.report.github",
    "gitlab": "mldocklint.report.gitlab",
}


class ReportContext(NamedTuple):
    version: str
    color: bool | None = None  # None: decide from the stream and NO_COLOR / FORCE_COLOR
    root: str = "."  # what paths are relative to


def render(fmt: str, result, out, ctx: ReportContext) -> None:
    import_module(FORMATS[fmt]).render(result, out, ctx)


def repo_root() -> str:
    """The repository root (the nearest directory above holding .git), else the current directory."""
    from mldocklint.paths import repo_root as find

    return find() or os.getcwd()


def repo_path(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` as POSIX; None when it lies outside it (or is stdin)."""
    if path == "-":
        return None
    rel = os.path.relpath(os.path.abspath(path), root)
    if rel == ".." or rel.startswith(".." + os.sep):
        return None
    return rel.replace(os.sep, "/")


def printable(text: str) -> str:
    """``text`` with control characters (newline, escape, ...) written as escapes: one value, one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def is_image_finding(f, result) -> bool:
    """A finding about a built image with no Dockerfile to point at: its path is the image reference."""
    image = getattr(result, "image", None)
    return image is not None and f.path == image["ref"]
