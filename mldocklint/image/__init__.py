"""Built-image inspection: sources (engine, archives, OCI layouts), a streaming layer walk, facts.

Importing this package imports nothing heavy; ``source`` imports ``docker`` only when an
engine is asked for.
"""


class ImageError(Exception):
    """An image that cannot be read: one line naming the source and the problem."""


def human(n: float) -> str:
    """A byte count for people: 950 B, 12.0 MB, 3.4 GB (powers of 1000)."""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{int(n)} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return ""  # pragma: no cover
