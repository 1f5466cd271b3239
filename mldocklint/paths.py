"""How paths are shown in reports, matched against configuration patterns, and where the
repository of a path starts."""

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


_REPO_ROOTS: dict[str, str | None] = {}  # directory -> its repo_root


def repo_root(start: str | None = None) -> str | None:
    """The nearest directory at or above ``start`` holding ``.git``, or None. Each directory's
    answer is kept (the Dockerfiles of a batch share their ancestors); ``forget_repo_roots``
    drops them."""
    d = os.path.abspath(start or os.getcwd())
    walked = []
    found = None
    while d not in _REPO_ROOTS:
        walked.append(d)
        if os.path.exists(os.path.join(d, ".git")):
            found = d
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    else:
        found = _REPO_ROOTS[d]
    for w in walked:
        _REPO_ROOTS[w] = found
    return found


def forget_repo_roots() -> None:
    _REPO_ROOTS.clear()


def matches(path: str, pattern: str) -> bool:
    """Whether a file matches a configuration pattern: a pattern with a '/' (made absolute by
    the configuration reader) against the full path, else against the file name."""
    import fnmatch

    shown = path.replace(os.sep, "/")
    subject = os.path.abspath(path).replace(os.sep, "/") if "/" in pattern else shown.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(subject, pattern)
