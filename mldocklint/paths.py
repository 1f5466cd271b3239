"""How paths are shown in reports."""

from __future__ import annotations

import os


def display_path(path: str) -> str:
    """Relative POSIX path when under the current directory, else the path as POSIX."""
    if path == "-":
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    if rel.startswith(".." + os.sep) or rel == "..":
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")
