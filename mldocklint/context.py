"""The build context: which files Docker would send, and what the Dockerfile reads from it.

``load`` walks the context once (never following symlinks, so loops cannot hang it; at most
``MAX_ENTRIES`` entries), applies the ignore file BuildKit would use, and reads only the
files rules need: the requirements sources the Dockerfile installs and the Python sources
its CMD/ENTRYPOINT runs (parsed with ``ast``, never executed). Nothing outside the
context root is ever read: a path or symlink pointing out is recorded as a problem.
"""

from __future__ import annotations

import os
import posixpath
import re
from bisect import bisect_left
from typing import NamedTuple

from mldocklint.model import Dockerfile, Instruction, Stage
from mldocklint.target import copy_sources
from mldocklint.syntax import shell
from mldocklint.syntax.dockerignore import Matcher, ignore_file_for, parse as parse_ignore
from mldocklint.syntax.requirements import Entry, IndexOption, index_options, parse_environment, parse_pyproject, parse_requirements

MAX_ENTRIES = 200_000
MAX_READ = 4 * 1024 * 1024  # bytes read from one requirements file
MAX_APP_READ = 1024 * 1024  # larger application sources are not read
_GLOB = re.compile(r"[*?\[]")


class ContextError(ValueError):
    """The context cannot be used at all (not a directory, unreadable ignore file)."""


class ContextProblem(NamedTuple):
    kind: str  # "requirements", "symlink", "dockerignore"
    path: str  # context-relative path of the file it is in
    line: int
    column: int
    end_column: int
    message: str


class RequirementsSource(NamedTuple):
    """A requirements file, pyproject.toml, environment.yml or constraints file a RUN installs."""

    path: str  # context-relative POSIX path ("" when it maps outside the context)
    kind: str  # "requirements", "constraints", "pyproject", "environment"
    instruction: Instruction  # the RUN
    word: str  # the argument as written in the RUN
    state: str  # "ok", "missing", "excluded", "outside", "special" (a FIFO, socket or device)
    entries: tuple[Entry, ...] = ()
    constraint_pins: frozenset[str] = frozenset()  # names pinned by constraints of the same command
    indexes: tuple[IndexOption, ...] = ()  # --index-url/--extra-index-url/--find-links lines of a requirements file


class BuildContext(NamedTuple):
    root: str  # absolute path
    shown_root: str  # root as findings show it (relative to the current directory)
    dockerignore: str | None  # the ignore file used, relative to the root (or as shown, when outside it)
    files: dict[str, int]  # relative POSIX path -> size, every regular file walked
    dirs: frozenset[str]
    excluded: frozenset[str]  # walked files the ignore file excludes
    pruned: frozenset[str]  # excluded directories that were not walked
    symlinks: dict[str, str]  # relative path -> link target
    special: frozenset[str]  # FIFOs, sockets and device files
    truncated: bool  # the walk stopped at MAX_ENTRIES
    requirements: tuple[RequirementsSource, ...] = ()
    apps: dict = {}  # the default is shared: never mutated
    # (context path, binds) of the ./gunicorn.conf.py gunicorn reads in the image's working
    # directory: binds () when it sets none, None when not a literal; None when there is none
    gunicorn_conf: tuple[str, tuple[str, ...] | None] | None = None
    problems: tuple[ContextProblem, ...] = ()
    matcher: Matcher | None = None

    def is_excluded(self, path: str) -> bool:
        """True when the ignore file keeps ``path`` (relative POSIX) out of the context."""
        path = path.strip("/")
        if path in self.excluded:
            return True
        if path in self.files:
            return False
        return self.matcher is not None and path not in ("", ".") and self.matcher.matches(path)

    def exists(self, path: str) -> bool:
        path = path.strip("/")
        return path in ("", ".") or path in self.files or path in self.dirs or path in self.symlinks or path in self.special

    def is_dir(self, path: str) -> bool:
        path = path.strip("/")
        return path in ("", ".") or path in self.dirs

    def sent(self) -> dict[str, int]:
        """Files Docker would send: walked and not excluded."""
        return {p: s for p, s in self.files.items() if p not in self.excluded}

    def under(self, path: str) -> list[str]:
        """Files at or below ``path``."""
        return under(self.files, path)

    def glob(self, pattern: str) -> list[str]:
        """Files and directories matching a COPY source pattern (``*`` does not cross ``/``)."""
        import fnmatch

        depth = pattern.count("/")
        rx = re.compile(fnmatch.translate(pattern).replace(".*", "[^/]*"))
        names = [p for p in (*self.files, *self.dirs) if p.count("/") == depth]
        return sorted(p for p in names if rx.match(p))

    def shown(self, path: str) -> str:
        """A context path as findings show paths."""
        return path if self.shown_root == "." else f"{self.shown_root}/{path}"


def under(files, path: str) -> list[str]:
    """Paths of ``files`` (relative POSIX) at or below ``path``."""
    path = path.strip("/")
    if path in ("", "."):
        return list(files)
    if path in files:
        return [path]
    prefix = path + "/"
    return [p for p in files if p.startswith(prefix)]


# -- the walk ---------------------------------------------------------------------------


def _walk(root: str, matcher: Matcher | None, limit: int):
    files: dict[str, int] = {}
    dirs: set[str] = set()
    excluded: set[str] = set()
    pruned: set[str] = set()
    symlinks: dict[str, str] = {}
    special: set[str] = set()
    problems: list[ContextProblem] = []
    prune = matcher is not None and not matcher.has_exceptions
    count = 0
    truncated = False
    stack: list[tuple[str, str, tuple | None]] = [(root, "", None)]
    while stack:
        abs_dir, rel_dir, state = stack.pop()
        try:
            entries = list(os.scandir(abs_dir))
        except OSError:
            continue
        for entry in entries:
            count += 1
            if count > limit:
                truncated = True
                stack.clear()
                break
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            st = matcher.child(rel, state) if matcher is not None else (False, ())
            try:
                if entry.is_symlink():
                    target = os.readlink(entry.path)
                    symlinks[rel] = target
                    real = os.path.realpath(entry.path)
                    if real != root and not real.startswith(root + os.sep):
                        problems.append(ContextProblem("symlink", rel, 0, 0, 0, f"{rel} is a symlink to {target}, outside the build context; it is not followed"))
                    if st[0]:
                        excluded.add(rel)
                elif entry.is_dir(follow_symlinks=False):
                    if st[0] and prune:
                        pruned.add(rel)
                        continue
                    dirs.add(rel)
                    stack.append((entry.path, rel, st if matcher is not None else None))
                elif entry.is_file(follow_symlinks=False):
                    files[rel] = entry.stat(follow_symlinks=False).st_size
                    if st[0]:
                        excluded.add(rel)
                else:
                    special.add(rel)
                    if st[0]:
                        excluded.add(rel)
            except OSError:
                continue
    return files, dirs, excluded, pruned, symlinks, special, truncated, problems


# -- container paths -> context paths ------------------------------------------------------


def _workdirs(instructions: list[Instruction]) -> dict[int, str]:
    """The working directory in force at each instruction (by id)."""
    wd = "/"
    out = {}
    for i in instructions:
        if i.keyword == "FROM":
            pass
        elif i.keyword == "WORKDIR" and i.value:
            wd = posixpath.normpath(posixpath.join(wd, i.value[0]))
        out[id(i)] = wd
    return out


def _norm_src(src: str) -> str:
    s = posixpath.normpath("/" + src).lstrip("/")
    return "" if s in (".", "") else s


class Layout:
    """WORKDIRs and context COPYs of one stage's instructions, read once for many path lookups."""

    def __init__(self, instructions: list[Instruction]):
        self.workdirs = _workdirs(instructions)
        self.position = {id(i): k for k, i in enumerate(instructions)}
        self.copies = [(k, i, srcs) for k, i in enumerate(instructions) if (srcs := copy_sources(i))]


def container_to_context(ctx: BuildContext, layout: Layout, at: Instruction, path: str) -> tuple[str, Instruction] | None:
    """The context path that ``path`` (as the instruction ``at`` sees it) was copied from.

    Follows WORKDIR, COPY/ADD from the context (not ``--from``, URLs or heredocs) and
    ``RUN --mount=type=bind`` of ``at``. Returns (context path, the COPY or RUN), or None
    when the file does not come from the context. A returned path may start with ``..``.
    """
    wds = layout.workdirs
    target = posixpath.normpath(posixpath.join(wds.get(id(at), "/"), path))
    for mount in at.flag_values("mount"):
        opts = dict(kv.partition("=")[::2] for kv in mount.split(","))
        if opts.get("type") != "bind" or "from" in opts:
            continue
        dst = opts.get("target") or opts.get("dst") or opts.get("destination")
        if not dst:
            continue
        dst = posixpath.normpath(posixpath.join(wds.get(id(at), "/"), dst))
        src = _norm_src(opts.get("source") or opts.get("src") or ".")
        if target == dst:
            return src, at
        if target.startswith(dst.rstrip("/") + "/"):
            return posixpath.join(src, target[len(dst.rstrip("/")) + 1 :]), at
    end = bisect_left(layout.copies, layout.position.get(id(at), len(layout.position)), key=lambda c: c[0])
    for j in range(end - 1, -1, -1):  # the nearest COPY first
        _, instr, srcs = layout.copies[j]
        dest = instr.value[-1]
        dest_is_dir = dest.endswith(("/", "/.")) or dest in (".", "..") or len(srcs) > 1
        dest = posixpath.normpath(posixpath.join(wds[id(instr)], dest))
        for src in reversed(srcs):
            s = _norm_src(src)
            if _GLOB.search(s):
                if posixpath.dirname(target) == dest:
                    cand = posixpath.join(posixpath.dirname(s), posixpath.basename(target))
                    if cand in ctx.glob(s):
                        return cand, instr
            elif s == "" or src.endswith("/") or ctx.is_dir(s):
                if target.startswith(dest.rstrip("/") + "/"):
                    return posixpath.join(s, target[len(dest.rstrip("/")) + 1 :]), instr
            elif target == (posixpath.join(dest, posixpath.basename(s)) if dest_is_dir else dest):
                return s, instr
    return None


# -- requirements -------------------------------------------------------------------------


def _installs(words: list[str]) -> list[tuple[str, str]]:
    """(kind, argument) for every requirements source a command installs."""
    found = []
    args = shell.pip_install_args(words)
    if args is not None:
        opts, reqs = shell.pip_options(args)
        found += [("requirements", v) for k in ("-r", "--requirement") for v in opts.get(k, [])]
        found += [("constraints", v) for k in ("-c", "--constraint") for v in opts.get(k, [])]
        local = [r for r in reqs if r == "." or r.startswith(("./", "/", "../"))] + [v for k in ("-e", "--editable") for v in opts.get(k, []) if v == "." or v.startswith(("./", "/"))]
        if "--no-deps" not in opts:  # with --no-deps the project's dependencies are not installed
            found += [("pyproject", posixpath.join(r, "pyproject.toml")) for r in local if not r.endswith((".whl", ".tar.gz", ".zip"))]
        return found
    if words and shell.program(words[0]) in ("conda", "mamba", "micromamba"):
        for k, w in enumerate(words[:-1]):
            if w in ("-f", "--file") and words[k + 1].endswith((".yml", ".yaml")):
                found.append(("environment", words[k + 1]))
    return found


def read_text(path: str, limit: int, options) -> str:
    """A file's text: the editor's unsaved buffer for it (``options.buffers``, by absolute
    path; see ``engine.Options``) or at most ``limit`` bytes from disk; raises OSError."""
    buffers = getattr(options, "buffers", None)
    if buffers and path in buffers:
        return buffers[path]
    with open(path, "rb") as fh:
        return fh.read(limit).decode("utf-8", "replace")


class _Reader:
    """Reads requirements files inside the root, following -r/-c, reporting what it cannot read."""

    def __init__(self, ctx: BuildContext, options):
        self.ctx = ctx
        self.options = options
        self.problems: list[ContextProblem] = []
        self.cache: dict[str, str | None] = {}

    def text(self, rel: str) -> str | None:
        if rel not in self.cache:
            try:
                self.cache[rel] = read_text(os.path.join(self.ctx.root, rel), MAX_READ, self.options)
            except OSError:
                self.cache[rel] = None
        return self.cache[rel]

    def state(self, rel: str) -> str:
        if rel.startswith("../") or rel == "..":
            return "outside"
        if self.ctx.is_excluded(rel):
            return "excluded"
        if rel in self.ctx.special:
            return "special"
        return "ok" if rel in self.ctx.files else "missing"

    def requirements(self, rel: str, stack: tuple[str, ...] = ()) -> tuple[list[Entry], set[str]]:
        """Entries of a requirements file and its -r includes, and names pinned by -c files."""
        text = self.text(rel)
        if text is None:
            return [], set()
        entries, includes = parse_requirements(text, rel)
        pins: set[str] = set()
        for inc in includes:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), inc.target))
            where = (inc.path, inc.line, inc.column, inc.end_column)
            state = self.state(target)
            if state != "ok":
                reason = {
                    "outside": "points outside the build context and is not read",
                    "excluded": "is excluded by .dockerignore",
                    "missing": "is not in the build context",
                    "special": "is not a regular file (a FIFO, socket or device)",
                }[state]
                self.problems.append(ContextProblem("requirements", *where, f"`{inc.target}` included from {rel} {reason}"))
            elif target in stack or target == rel:
                self.problems.append(ContextProblem("requirements", *where, f"`{inc.target}` includes itself through a loop ({' -> '.join((*stack, rel, target))}); pip would recurse forever"))
            else:
                sub, sub_pins = self.requirements(target, (*stack, rel))
                pins |= sub_pins
                if inc.constraint:
                    pins |= {e.name for e in sub if e.pinned and e.name}
                else:
                    entries += sub
        return entries, pins

    def source(self, kind: str, rel: str) -> tuple[list[Entry], set[str]]:
        text = self.text(rel)
        if text is None:
            return [], set()
        if kind == "pyproject":
            entries, error = parse_pyproject(text, rel)
        elif kind == "environment":
            entries, includes, error = parse_environment(text, rel)
            for inc in includes:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), inc.target))
                if self.state(target) == "ok":
                    entries += self.requirements(target, (rel,))[0]
        else:
            return self.requirements(rel)
        if error:
            self.problems.append(ContextProblem("requirements", rel, 1, 1, 2, f"{rel} is {error}"))
        return entries, set()


def _load_requirements(df: Dockerfile, stages: list[Stage], ctx: BuildContext, options) -> tuple[list[RequirementsSource], list[ContextProblem]]:
    reader = _Reader(ctx, options)
    sources = []
    for stage in stages:
        layout = Layout(df.effective_instructions(stage))
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            for words in shell.commands(instr):
                found = _installs(words)
                mapped = []
                for kind, arg in found:
                    hit = container_to_context(ctx, layout, instr, arg)
                    if hit is not None:
                        mapped.append((kind, arg, hit[0]))
                pins: set[str] = set()
                read = []
                for kind, arg, rel in mapped:
                    state = reader.state(rel)
                    entries, sub_pins = reader.source(kind, rel) if state == "ok" else ([], set())
                    pins |= sub_pins
                    if kind == "constraints":
                        pins |= {e.name for e in entries if e.pinned and e.name}
                        entries = []
                    read.append((kind, arg, rel, state, entries))
                for kind, arg, rel, state, entries in read:
                    text = reader.text(rel) if state == "ok" and kind == "requirements" else None
                    indexes = tuple(index_options(text, rel)) if text else ()
                    sources.append(RequirementsSource(rel, kind, instr, arg, state, tuple(entries), frozenset(pins), indexes))
    return sources, reader.problems


def _load_apps(df: Dockerfile, stages: list[Stage], ctx: BuildContext, options) -> dict:
    """Facts about the Python application the image runs, by context path.

    The final stage's CMD/ENTRYPOINT words name the files the server runs or imports
    (``syntax.python_app.entry_points``); each is mapped from the stage's WORKDIR to the
    context with :func:`container_to_context`, and read when it is in the context, not
    excluded and at most ``MAX_APP_READ`` bytes. Values are ``python_app.AppFacts``.
    """
    from mldocklint.target import Target
    from mldocklint.syntax import python_app

    if not stages:
        return {}
    final = max(stages, key=lambda s: s.index)
    instructions = df.effective_instructions(final)
    layout = Layout(instructions)
    apps: dict = {}
    for path, as_main in python_app.entry_points(Target(df).entrypoint_words(final)):
        hit = container_to_context(ctx, layout, instructions[-1], path)
        rel = hit[0] if hit is not None else None
        if rel is None or rel in apps or rel not in ctx.files or ctx.is_excluded(rel) or ctx.files[rel] > MAX_APP_READ:
            continue
        try:
            source = read_text(os.path.join(ctx.root, rel), MAX_APP_READ, options)
        except OSError:
            continue
        apps[rel] = python_app.analyze(source, rel)._replace(as_main=as_main)
    return apps


def _load_gunicorn_conf(df: Dockerfile, stages: list[Stage], ctx: BuildContext, options):
    """The ``gunicorn.conf.py`` in the final stage's working directory, when it comes from the context."""
    from mldocklint.syntax import python_app

    if not stages:
        return None
    instructions = df.effective_instructions(max(stages, key=lambda s: s.index))
    hit = container_to_context(ctx, Layout(instructions), instructions[-1], "gunicorn.conf.py")
    rel = hit[0] if hit is not None else None
    if rel is None or rel not in ctx.files or ctx.is_excluded(rel) or ctx.files[rel] > MAX_APP_READ:
        return None
    try:
        return rel, python_app.gunicorn_binds(read_text(os.path.join(ctx.root, rel), MAX_APP_READ, options))
    except OSError:
        return None


_WALKS: dict[tuple, tuple] = {}


def forget() -> None:
    """Drop the walks kept for contexts already read (a long-running process whose files change)."""
    _WALKS.clear()


# -- loading -------------------------------------------------------------------------------


def load(df: Dockerfile, context_dir: str, dockerfile_path: str | None, options, limit: int = MAX_ENTRIES) -> BuildContext:
    """Read the build context of ``df``; raises ContextError when it is not a directory."""
    from mldocklint.paths import display_path
    from mldocklint.target import Target

    root = os.path.realpath(context_dir)
    if not os.path.isdir(root):
        raise ContextError(f"build context {context_dir} is not a directory")
    problems: list[ContextProblem] = []
    ignore_path = ignore_file_for(root, dockerfile_path)
    matcher = None
    shown_ignore = None
    if ignore_path is not None:
        real = os.path.realpath(ignore_path)
        shown_ignore = os.path.relpath(real, root).replace(os.sep, "/") if real.startswith(root + os.sep) else display_path(ignore_path)
        try:
            text = read_text(ignore_path, -1, options)
        except OSError as e:
            raise ContextError(f"cannot read {display_path(ignore_path)}: {e.strerror or e}") from None
        matcher, bad = parse_ignore(text)
        problems += [ContextProblem("dockerignore", shown_ignore, line, 1, 2, f"{shown_ignore}:{line}: {msg}") for line, msg in bad]
    key = (root, ignore_path, text if ignore_path is not None else None, limit)
    if key not in _WALKS:  # several Dockerfiles often share one context
        _WALKS[key] = _walk(root, matcher, limit)
    files, dirs, excluded, pruned, symlinks, special, truncated, walk_problems = _WALKS[key]
    ctx = BuildContext(
        root=root,
        shown_root=display_path(context_dir),
        dockerignore=shown_ignore,
        files=files,
        dirs=frozenset(dirs),
        excluded=frozenset(excluded),
        pruned=frozenset(pruned),
        symlinks=symlinks,
        special=frozenset(special),
        truncated=truncated,
        problems=tuple(problems + walk_problems),
        matcher=matcher,
    )
    stages = Target(df, getattr(options, "target", None)).built_stages() if df.stages else []
    sources, req_problems = _load_requirements(df, stages, ctx, options)
    return ctx._replace(
        requirements=tuple(sources),
        apps=_load_apps(df, stages, ctx, options),
        gunicorn_conf=_load_gunicorn_conf(df, stages, ctx, options),
        problems=(*ctx.problems, *req_problems),
    )
