"""Inline suppressions (``# mldocklint: ignore=ML302 -- reason``), applied after rules run."""

from __future__ import annotations


def apply(df, findings, options):
    return findings
