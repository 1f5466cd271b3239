"""Output formats: one module per format, each with ``render(result, out, ctx)``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

FORMATS = {
    "text": "mldocklint.report.text",
    "json": "mldocklint.report.json_format",
}


@dataclass
class ReportContext:
    version: str
    color: bool | None = None  # None: decide from the stream and NO_COLOR / FORCE_COLOR
    root: str = "."  # what paths are relative to


def render(fmt: str, result, out, ctx: ReportContext) -> None:
    import_module(FORMATS[fmt]).render(result, out, ctx)
