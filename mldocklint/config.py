"""Configuration: ``[tool.mldocklint]`` in pyproject.toml or ``.mldocklint.yaml``."""

from __future__ import annotations


def find(explicit: str | None = None) -> str | None:
    return explicit


def apply(options, path: str | None) -> None:
    return None
