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

from mldocklint import lazyre
from mldocklint.model import Dockerfile, Instruction, Stage
from mldocklint.records import NamedTuple
from mldocklint.syntax import shell
from mldocklint.syntax.dockerignore import Matcher, ignore_file_for, parse as parse_ignore
from mldocklint.syntax.requirements import Entry, IndexOption, index_options, parse_environment, parse_pyproject, parse_requirements
from mldocklint.target import copy_sources

MAX_ENTRIES = 200_000
MAX_READ = 4 * 1024 * 1024  # bytes read from one requirements file
MAX_APP_READ = 1024 * 1024  # larger application sources are not read
_GLOB = lazyre.compile(r"[*?\[]")
# pip reads requirements files with these byte-order marks (pip._internal.utils.encoding.BOMS)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class ContextError(ValueError):
    """The context cannot be used at all (not a directory, unreadable ignore file)."""


class ContextProblem(NamedTuple):
    kind: str  # "requirements", "symlink", "dockerignore", "unreadable"
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
    state: str  # "ok", "legacy" (setup.py, no pyproject.toml), "missing", "excluded", "outside", "special" (a FIFO, socket or device),
    # "uncopied" (no COPY, ADD or bind mount brings it and nothing before it in the stage can make it)
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
    source: str = "given"  # what decided the context (``context_infer``)
    secrets: dict = {}  # context path -> knowledge.secret_files.SecretFile, for files confirmed to hold credentials
    lfs_pointers: frozenset[str] = frozenset()  # copied files that are Git LFS pointers, not content
    lfs_patterns: tuple[str, ...] = ()  # .gitattributes patterns stored with Git LFS
    mentioned: frozenset[str] = frozenset()  # path components quoted in the Python sources a whole-context COPY brings
    gitignore: tuple = ()  # (directory, pattern, negated) of the .gitignore files from the repository root to the context root

    @property
    def known(self) -> bool:
        """The context is the one the build uses (given, configured or named by a build file),
        not the Dockerfile's folder or the structural guess."""
        return self.source not in ("default", "structural")

    def where(self) -> str:
        """The context as messages name it: "the build context X" or "the assumed context X"."""
        return f"the build context {self.shown_root}" if self.known else f"the assumed context {self.shown_root}"

    def git_ignored(self, path: str) -> bool | None:
        """Whether git ignores ``path`` (True), keeps it with a ``!`` pattern (False), or no
        pattern of the ``.gitignore`` files above it names it (None); last match wins."""
        import fnmatch

        full = posixpath.join(self.root.replace(os.sep, "/"), path)
        found = None
        for folder, pattern, negated in self.gitignore:
            if not full.startswith(folder + "/"):
                continue
            rel = full[len(folder) + 1 :]
            if "/" in pattern.rstrip("/"):
                p = pattern.strip("/")
                hit = fnmatch.fnmatchcase(rel, p) or rel.startswith(p + "/")
            else:
                parts = rel.split("/")
                hit = any(fnmatch.fnmatchcase(part, pattern.rstrip("/")) for part in parts)
            if hit:
                found = not negated
        return found

    def is_lfs(self, path: str) -> bool:
        """``path`` is stored with Git LFS (a ``filter=lfs`` pattern of ``.gitattributes``)."""
        import fnmatch

        name = path.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(path if "/" in p else name, p.lstrip("/")) for p in self.lfs_patterns)

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


def buffer_text(path: str, options) -> str | None:
    """The editor's unsaved buffer for ``path`` (``options.buffers``, by absolute path; see
    ``engine.Options``), or None."""
    buffers = getattr(options, "buffers", None)
    return buffers.get(path) if buffers else None


def read_bytes(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a file (all with -1); raises OSError."""
    with open(path, "rb") as fh:
        return fh.read(limit)


def read_text(path: str, limit: int, options) -> str:
    """A file's text: its unsaved buffer, or at most ``limit`` bytes from disk; raises OSError."""
    buffer = buffer_text(path, options)
    return buffer if buffer is not None else read_bytes(path, limit).decode("utf-8", "replace")


class _Reader:
    """Reads requirements files inside the root, following -r/-c, reporting what it cannot read."""

    def __init__(self, ctx: BuildContext, options):
        self.ctx = ctx
        self.options = options
        self.problems: list[ContextProblem] = []
        self.cache: dict[str, str | None] = {}

    def text(self, rel: str) -> str | None:
        """The file's text, decoded as pip does (a UTF-8/16/32 byte-order mark, else UTF-8); None,
        with an ``unreadable`` problem, when it is not text."""
        if rel not in self.cache:
            try:
                path = os.path.join(self.ctx.root, rel)
                buffer = buffer_text(path, self.options)
                self.cache[rel] = buffer if buffer is not None else self.decoded(rel, read_bytes(path, MAX_READ))
            except OSError as e:
                self.problems.append(ContextProblem("unreadable", rel, 1, 1, 2, f"cannot read {rel}: {e.strerror or e}"))
                self.cache[rel] = None
        return self.cache[rel]

    def decoded(self, rel: str, data: bytes) -> str | None:
        for bom, codec in _BOMS:
            if data.startswith(bom):
                try:
                    return data[len(bom) :].decode(codec)
                except UnicodeDecodeError:
                    break
        else:
            if b"\0" not in data:
                try:
                    return data.decode("utf-8")
                except UnicodeDecodeError:
                    pass
        self.problems.append(ContextProblem("unreadable", rel, 1, 1, 2, f"{rel} is not a text file pip can read (not UTF-8, and no UTF-16/32 byte-order mark); it was not checked"))
        return None

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
                    "outside": f"points outside {self.ctx.where()} and is not read",
                    "excluded": "is excluded by .dockerignore",
                    "missing": f"is not in {self.ctx.where()}",
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
        instructions = df.effective_instructions(stage)
        layout = Layout(instructions)
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            cmds = shell.commands(instr)
            for k, words in enumerate(cmds):
                found = _installs(words)
                mapped = []
                for kind, arg in found:
                    hit = container_to_context(ctx, layout, instr, arg)
                    if hit is not None:
                        mapped.append((kind, arg, hit[0]))
                    elif kind != "pyproject" and not _may_be_made(arg, instr, cmds[:k], instructions[: layout.position.get(id(instr), 0)], layout):
                        sources.append(RequirementsSource("", kind, instr, arg, "uncopied"))
                pins: set[str] = set()
                read = []
                for kind, arg, rel in mapped:
                    state = reader.state(rel)
                    if kind == "pyproject" and state == "missing" and any(posixpath.join(posixpath.dirname(rel), n) in ctx.files for n in ("setup.py", "setup.cfg")):
                        state = "legacy"  # a setuptools project without pyproject.toml: pip builds it, nothing to read
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


# Programs that may fetch, write or move a file an install later reads (or change the directory).
_MAKERS = frozenset(
    "cd pushd git wget curl cp mv ln tar unzip gunzip bunzip2 7z echo printf cat tee sed awk envsubst python python3 "
    "pip-compile poetry uv pdm pipenv hatch conda mamba micromamba gsutil gcloud aws az rsync scp dvc make sh bash".split()
)


def _may_be_made(arg: str, instr: Instruction, earlier: list[list[str]], before: list[Instruction], layout: Layout) -> bool:
    """Whether a requirements file no COPY is known to bring may still be there when ``instr``
    runs: a URL or variable; a relative path while the working directory is the base image's
    (no WORKDIR); a COPY into the file's directory or above it (from a source the context
    lacks); a bind mount from elsewhere; an earlier command, RUN, ``COPY --from`` or ``ADD`` of
    a URL that may fetch, write or move files (or change the directory)."""
    if "$" in arg or "://" in arg or any("from=" in m for m in instr.flag_values("mount")):
        return True
    if not arg.startswith("/") and not any(i.keyword == "WORKDIR" for i in before):
        return True
    path = posixpath.normpath(posixpath.join(layout.workdirs.get(id(instr), "/"), arg))
    for i in before:
        if copy_sources(i):
            dest = posixpath.normpath(posixpath.join(layout.workdirs.get(id(i), "/"), i.value[-1]))
            if path == dest or path.startswith(dest.rstrip("/") + "/"):
                return True
    if any(words and shell.program(words[0]) in _MAKERS for words in earlier):
        return True
    for i in before:
        if i.keyword in ("COPY", "ADD") and not copy_sources(i) and not i.heredocs:
            return True  # --from, or a URL
        if i.keyword == "RUN" and any(words and shell.program(words[0]) in _MAKERS for words in shell.commands(i)):
            return True
    return False


def _final_view(df: Dockerfile, stages: list[Stage]) -> tuple[Stage, list[Instruction], Layout] | None:
    """The last built stage, its effective instructions and their layout (None: no stage)."""
    if not stages:
        return None
    final = max(stages, key=lambda s: s.index)
    instructions = df.effective_instructions(final)
    return final, instructions, Layout(instructions)


def _load_apps(df: Dockerfile, view, ctx: BuildContext, options) -> dict:
    """Facts about the Python application the image runs, by context path.

    The final stage's CMD/ENTRYPOINT words name the files the server runs or imports
    (``syntax.python_app.entry_points``); each is mapped from the stage's WORKDIR to the
    context with :func:`container_to_context`, and read when it is in the context, not
    excluded and at most ``MAX_APP_READ`` bytes. Values are ``python_app.AppFacts``
    (``python_source.analyze``).
    """
    from mldocklint.target import Target
    from mldocklint.syntax import python_app

    if view is None:
        return {}
    final, instructions, layout = view
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
        from mldocklint.syntax.python_source import analyze

        apps[rel] = analyze(source, rel)._replace(as_main=as_main)
    return apps


def _load_gunicorn_conf(view, ctx: BuildContext, options):
    """The ``gunicorn.conf.py`` in the final stage's working directory, when it comes from the context."""
    if view is None:
        return None
    _, instructions, layout = view
    hit = container_to_context(ctx, layout, instructions[-1], "gunicorn.conf.py")
    rel = hit[0] if hit is not None else None
    if rel is None or rel not in ctx.files or ctx.is_excluded(rel) or ctx.files[rel] > MAX_APP_READ:
        return None
    from mldocklint.syntax.python_source import gunicorn_binds

    try:
        return rel, gunicorn_binds(read_text(os.path.join(ctx.root, rel), MAX_APP_READ, options))
    except OSError:
        return None


_WALKS: dict[tuple, tuple] = {}
_REAL: dict[str, str] = {}


def _realpath(path: str) -> str:
    """``os.path.realpath``, kept per absolute path (it looks at every component of the path)."""
    if not os.path.isabs(path):  # relative to a working directory that may change
        return os.path.realpath(path)
    found = _REAL.get(path)
    if found is None:
        if len(_REAL) > 10_000:
            _REAL.clear()
        found = _REAL[path] = os.path.realpath(path)
    return found


def forget() -> None:
    """Drop what is kept of contexts already read, and of the repositories their builds were
    found in (a long-running process whose files change)."""
    from mldocklint import context_infer

    _WALKS.clear()
    _REAL.clear()
    _HEADS.clear()
    _MENTIONS.clear()
    context_infer.forget()


# -- loading -------------------------------------------------------------------------------


def load(
    df: Dockerfile, context_dir: str, dockerfile_path: str | None, options, limit: int = MAX_ENTRIES, source: str = "given", stages: list[Stage] | None = None
) -> BuildContext:
    """Read the build context of ``df`` (``source``: what decided it; ``stages``: the stages
    that ship, when known already); raises ContextError when it is not a directory."""
    from mldocklint.paths import display_path
    from mldocklint.target import Target

    root = _realpath(context_dir)
    if not os.path.isdir(root):
        raise ContextError(f"build context {context_dir} is not a directory")
    problems: list[ContextProblem] = []
    ignore_path = ignore_file_for(root, dockerfile_path)
    matcher = None
    shown_ignore = None
    if ignore_path is not None:
        real = _realpath(ignore_path)
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
        source=source,
    )
    if key not in _HEADS:
        _HEADS[key] = _secrets(ctx), _lfs_patterns(ctx), _gitignore(root)
    secrets, lfs, gitignore = _HEADS[key]
    ctx = ctx._replace(secrets=secrets, lfs_patterns=lfs, gitignore=gitignore)
    if stages is None:
        stages = Target(df, getattr(options, "target", None)).built_stages() if df.stages else []
    sources, req_problems = _load_requirements(df, stages, ctx, options)
    copied = [s for stage in stages for i in stage.instructions for s in copy_sources(i)]
    view = _final_view(df, stages)
    return ctx._replace(
        requirements=tuple(sources),
        apps=_load_apps(df, view, ctx, options),
        gunicorn_conf=_load_gunicorn_conf(view, ctx, options),
        problems=(*ctx.problems, *req_problems),
        lfs_pointers=_lfs_pointers(ctx, copied),
        mentioned=_mentioned(key, ctx) if any(_norm_src(s) in ("", "*") for s in copied) else frozenset(),
    )


# -- what a few files hold -------------------------------------------------------------------

_HEADS: dict[tuple, tuple] = {}
_MENTIONS: dict[tuple, frozenset[str]] = {}
MAX_HEADS = 2000  # files whose first bytes are read to confirm a credential or an LFS pointer
MAX_MENTION_FILES = 500
MAX_MENTION_READ = 256 * 1024
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
_POINTER_SIZE = (100, 1024)  # a pointer is three short lines (github.com/git-lfs/git-lfs/blob/main/docs/spec.md)
_QUOTED = lazyre.compile(r"""["']([^"'\n]{1,300})["']""")
_MENTION_EXT = (".py", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".sh", ".json")


def _head(ctx: BuildContext, rel: str, n: int) -> bytes:
    try:
        with open(os.path.join(ctx.root, rel), "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def _secrets(ctx: BuildContext) -> dict:
    """Files sent with the context that hold credentials (``knowledge.secret_files``): by name,
    and by the marker in their first bytes where the name is not enough (at most ``MAX_HEADS``
    reads). Only whether the marker is there is kept. Files of installed libraries (in a
    virtualenv, ``site-packages`` or ``node_modules``) are left out."""
    from mldocklint.knowledge import secret_files

    found = {}
    reads = 0
    venvs = tuple(p[: -len("pyvenv.cfg")] for p in ctx.files if p.endswith("/pyvenv.cfg"))
    for rel, n in sorted(ctx.files.items()):
        if rel in ctx.excluded or rel.startswith(venvs) or "/site-packages/" in rel or "node_modules/" in rel:
            continue  # libraries' own test keys; a virtualenv sent is ML502's finding
        entry = secret_files.by_name(rel)
        if entry is None:
            continue
        if entry.marker is not None:
            if reads >= MAX_HEADS or (rel.lower().endswith(".json") and n > secret_files.MAX_JSON_BYTES):
                continue
            reads += 1
            if not secret_files.confirmed(entry, _head(ctx, rel, secret_files.HEAD_BYTES)):
                continue
        found[rel] = entry
    return found


def _gitignore(root: str) -> tuple:
    """Patterns of the ``.gitignore`` files from the repository root down to ``root``."""
    from mldocklint.context_infer import repository

    top = repository(root)
    folders = [root]
    while folders[-1] != top and folders[-1].startswith(top.rstrip(os.sep) + os.sep):
        folders.append(os.path.dirname(folders[-1]))
    out = []
    for folder in reversed(folders):
        path = os.path.join(folder, ".gitignore")
        if not os.path.isfile(path):
            continue
        try:
            with open(path, "rb") as fh:
                text = fh.read(MAX_APP_READ).decode("utf-8", "replace")
        except OSError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append((folder.replace(os.sep, "/"), line.lstrip("!"), line.startswith("!")))
    return tuple(out)


def _lfs_patterns(ctx: BuildContext) -> tuple[str, ...]:
    """Patterns of the context's ``.gitattributes`` files marked ``filter=lfs``, made relative to the root."""
    out = []
    for rel in sorted(p for p in ctx.files if p.rsplit("/", 1)[-1] == ".gitattributes")[:20]:
        folder = rel.rpartition("/")[0]
        for line in _head(ctx, rel, MAX_APP_READ).decode("utf-8", "replace").splitlines():
            words = line.split()
            if len(words) > 1 and "filter=lfs" in words[1:] and not words[0].startswith("#"):
                pattern = words[0]
                out.append(f"{folder}/{pattern.lstrip('/')}" if folder and ("/" in pattern) else pattern)
    return tuple(out)


def _lfs_pointers(ctx: BuildContext, copied: list[str]) -> frozenset[str]:
    """Copied files that are Git LFS pointers (a checkout without ``git lfs pull``)."""
    from mldocklint.knowledge.files import is_model_path

    found = set()
    reads = 0
    roots = [_norm_src(s) for s in copied if not _GLOB.search(s)]
    for root in roots:
        for rel in under(ctx.files, root):
            if not _POINTER_SIZE[0] <= ctx.files[rel] <= _POINTER_SIZE[1] or rel in ctx.excluded or not (ctx.is_lfs(rel) or is_model_path(rel)):
                continue
            if reads >= MAX_HEADS:
                return frozenset(found)
            reads += 1
            if _head(ctx, rel, len(_LFS_POINTER)) == _LFS_POINTER:
                found.add(rel)
    return frozenset(found)


def _mentioned(key: tuple, ctx: BuildContext) -> frozenset[str]:
    """Path components written in quotes in the context's code and configuration (the first
    ``MAX_MENTION_FILES`` files, ``MAX_MENTION_READ`` bytes each): data a whole-context COPY
    brings that the application may read. Read once per context (``key``: its walk), and only
    when it holds data files (``knowledge.files.DATA_EXT``, ``MEDIA_EXT``) to ask about."""
    from mldocklint.knowledge.files import DATA_EXT, MEDIA_EXT

    if key not in _MENTIONS:
        data = any(p.lower().endswith(DATA_EXT + MEDIA_EXT) for p in ctx.files)
        _MENTIONS[key] = _read_mentions(ctx) if data else frozenset()
    return _MENTIONS[key]


def _read_mentions(ctx: BuildContext) -> frozenset[str]:
    out: set[str] = set()
    files = [p for p in sorted(ctx.files) if p.endswith(_MENTION_EXT) and p not in ctx.excluded and "/." not in "/" + p]
    for rel in files[:MAX_MENTION_FILES]:
        text = _head(ctx, rel, MAX_MENTION_READ).decode("utf-8", "replace")
        for m in _QUOTED.finditer(text):
            out.update(part for part in re.split(r"[/\\]", m.group(1)) if part and part not in (".", ".."))
    return frozenset(out)
