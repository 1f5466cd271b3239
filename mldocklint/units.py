"""Sizes as people read them: one convention everywhere, powers of 1000 (1 MB = 10^6 bytes)."""

from __future__ import annotations

KB = 1000
MB = 1000 * KB
GB = 1000 * MB


def human(n: float) -> str:
    """A byte count for people: 950 B, 12.0 KB, 12.0 MB, 3.4 GB (powers of 1000)."""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{int(n)} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return ""  # pragma: no cover
