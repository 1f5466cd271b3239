"""Find the Dockerfiles named by the command line: files, directories, ``-`` for stdin."""

from __future__ import annotations

import fnmatch
import os
import stat

SKIP_DIRS = frozenset((".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".venv", "venv"))


# Dockerfile.j2 and the like are rendered into Dockerfiles; their markup is not Dockerfile syntax.
TEMPLATE_SUFFIXES = (".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".template")


def is_dockerfile_name(name: str) -> bool:
    """Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* (but not *.dockerignore or templates)."""
    low = name.lower()
    if low.endswith((".dockerignore", *TEMPLATE_SUFFIXES)):
        return False
    return (
        low in ("dockerfile", "containerfile")
        or low.endswith((".dockerfile", ".containerfile"))
        or fnmatch.fnmatchcase(low, "dockerfile.*")
        or fnmatch.fnmatchcase(low, "containerfile.*")
    )


def _is_venv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def discover(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(files to lint in a stable order, [(path, error)]) for the given paths."""
    from mldocklint.paths import display_path

    files: list[str] = []
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(f: str) -> None:
        key = os.path.normpath(f)
        if key not in seen:
            seen.add(key)
            files.append(f)

    for path in paths or ["."]:
        if path == "-":
            add("-")
            continue
        try:
            st = os.stat(path)
        except OSError as e:
            reason = "no such file or directory" if not os.path.lexists(path) else (e.strerror or str(e)).lower()
            errors.append((display_path(path), reason))
            continue
        if stat.S_ISDIR(st.st_mode):
            found = _walk(path)
            if not found:
                errors.append((display_path(path), "no Dockerfile found in this directory"))
            for f in found:
                add(f)
        elif stat.S_ISREG(st.st_mode):
            problem = _not_a_dockerfile(os.path.basename(path).lower())
            if problem:
                errors.append((display_path(path), problem))
            else:
                add(path)
        else:
            errors.append((display_path(path), "not a regular file"))
    return files, errors


def _not_a_dockerfile(low: str) -> str | None:
    """Why a file named on the command line is not linted, judging by its (lower-case) name."""
    if low.endswith(".dockerignore"):
        return "a .dockerignore file, not a Dockerfile"
    if low.endswith(TEMPLATE_SUFFIXES):
        return f"a template ({os.path.splitext(low)[1]}), not a Dockerfile; render it and lint the result"
    return None


def _walk(root: str) -> list[str]:
    found: list[str] = []
    visited: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in visited:
            dirnames[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not _is_venv(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            if is_dockerfile_name(name):
                full = os.path.join(dirpath, name)
                if os.path.isfile(full):
                    found.append(os.path.normpath(full) if root != "." else os.path.relpath(full))
    return found


_IGNORE_SUFFIX = ".dockerignore"


def dependents(paths: list[str]) -> list[str]:
    """``paths`` with each file that is not a Dockerfile replaced by the Dockerfiles that use it.

    A ``.dockerignore`` stands for the Dockerfiles in its folder without their own
    ``<name>.dockerignore``; ``<name>.dockerignore`` for the Dockerfile ``<name>`` beside it;
    any other file (a requirements file) for the Dockerfiles in its folder and in each folder
    above it up to the repository root, whose default build context holds it.
    """
    from mldocklint.paths import repo_root

    out: list[str] = []
    for path in paths:
        name = os.path.basename(path)
        if path == "-" or is_dockerfile_name(name) or not os.path.isfile(path):
            out.append(path)
            continue
        folder = os.path.dirname(path) or "."
        if name == _IGNORE_SUFFIX:
            out += [f for f in _dockerfiles_in(folder) if not os.path.exists(f + _IGNORE_SUFFIX)]
        elif name.endswith(_IGNORE_SUFFIX):
            own = os.path.join(folder, name[: -len(_IGNORE_SUFFIX)])
            out += [own] if os.path.isfile(own) else []
        else:
            top = os.path.abspath(repo_root(folder) or folder)
            d = os.path.abspath(folder)
            while True:
                out += [os.path.relpath(f) for f in _dockerfiles_in(d)]
                if d == top or os.path.dirname(d) == d:
                    break
                d = os.path.dirname(d)
    return out


def _dockerfiles_in(folder: str) -> list[str]:
    """The Dockerfiles directly in ``folder``, by name."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if is_dockerfile_name(n) and os.path.isfile(os.path.join(folder, n))]
