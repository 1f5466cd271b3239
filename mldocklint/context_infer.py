"""Which build context a Dockerfile is built with, found in the repository's own files.

``infer`` answers, in this order of trust, and names what decided:

1. ``--context``, then the ``[tool.mldocklint.contexts]`` mapping of the configuration;
2. Compose files (``compose.yaml``, ``docker-compose*.yml``): ``build: DIR`` or
   ``build.context`` + ``build.dockerfile``, relative to the Compose file;
3. ``docker-bake.hcl`` (read with python-hcl2) and ``docker-bake.json`` targets, with what
   they ``inherits``, and ``.devcontainer/devcontainer.json`` (``build.context``,
   ``build.dockerfile``);
4. GitHub workflows (``docker/build-push-action`` ``context``/``file``; ``docker build`` in
   ``run:`` steps with their ``working-directory``), ``.gitlab-ci.yml`` scripts, Makefiles and
   shell scripts with ``docker build``/``podman build``/``buildah bud`` (or kaniko) lines;
   a Compose service or workflow step whose Dockerfile is an expression but whose context is
   plain decides for a Dockerfile whose COPY/ADD sources all exist in that context;
5. "structural": the sources that COPY/ADD name are missing beside the Dockerfile (or in the
   context a file of steps 2-4 names) but all exist under one ancestor directory of the
   Dockerfile (up to the repository root);
6. "default": the Dockerfile's own directory.

The repository (the nearest ancestor holding ``.git``; without one the current directory when
the Dockerfile is under it, else the Dockerfile's directory) is scanned once for these files,
which are parsed (pyyaml for YAML, imported only when there is some) and never run. A value
holding a variable or an expression that cannot be resolved is skipped, not guessed. The
index of each repository is cached, so a batch of Dockerfiles reads each file once.
"""

from __future__ import annotations

import os
import posixpath
import re

from mldocklint import lazyre
from mldocklint.paths import display_path, forget_repo_roots, repo_root
from mldocklint.records import NamedTuple

# Trust of each kind of file (lower wins).
_COMPOSE, _BAKE, _CI = 2, 3, 4
_MAX_SCAN = 50_000  # entries walked when looking for these files
_MAX_DEPTH = 8
_MAX_READ = 512 * 1024
_SKIP_DIRS = frozenset((".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox", "site-packages", ".mypy_cache", ".pytest_cache", ".terraform"))
_COMPOSE_NAME = lazyre.compile(r"(docker-)?compose([.-][\w.-]*)?\.ya?ml")
_BAKE_NAME = lazyre.compile(r"docker-bake([.-][\w.-]*)?\.(json|hcl)")
_MAKE_NAME = lazyre.compile(r"(GNUmakefile|[Mm]akefile|[\w.-]+\.mk)")
_SCRIPT_NAME = lazyre.compile(r"[\w.-]+\.(sh|bash)")
_BUILDERS = lazyre.compile(rb"docker|podman|buildah|kaniko|executor")
# Variables whose value is the repository root in CI; anything else with `$` is skipped.
_ROOT_VARS = lazyre.compile(r"\$\{\{\s*github\.workspace\s*\}\}|\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?")
_CWD_VARS = lazyre.compile(r"\$\(pwd\)|`pwd`|\$\{?PWD\}?")
# `docker build` options that take a value (docs.docker.com/reference/cli/docker/buildx/build/,
# podman-build(1), buildah-build(1)); all others are flags.
_VALUE_OPTS = frozenset(
    "-t --tag --build-arg --target --platform --label --cache-from --cache-to --secret --ssh --network --progress -o --output "
    "--iidfile --add-host --builder --build-context --shm-size --ulimit -m --memory --memory-swap --cgroup-parent --isolation "
    "--metadata-file --attest --allow --annotation --call --sbom --provenance --cpu-shares --cpuset-cpus --cpuset-mems "
    "--cpu-period --cpu-quota --format --authfile --cert-dir --creds --arch --os --variant --layers --jobs --isolation "
    "--ignorefile --runtime --signature-policy --userns --volume -v --env -e --from --timestamp --manifest --tls-verify".split()
)


class Build(NamedTuple):
    dockerfile: str  # absolute, normalised
    context: str  # absolute, normalised
    rank: int
    where: str  # the file and line that say so, as reports show paths


def infer(path: str | None, options, df=None, stages=None) -> tuple[str, str]:
    """(build context directory, what decided it) for the Dockerfile at ``path`` (None: stdin).

    ``df`` is the parsed Dockerfile, for the structural fallback (None: no fallback);
    ``stages``, its stages that ship (default: those of its last stage).
    """
    if options.context:
        return options.context, "--context"
    if not path:
        return os.getcwd(), "default"
    dockerfile = os.path.normpath(os.path.abspath(path))
    for pattern, context, where in getattr(options, "contexts", ()):
        from fnmatch import fnmatchcase

        if fnmatchcase(dockerfile.replace(os.sep, "/"), pattern):
            return context, where
    folder = os.path.dirname(dockerfile)
    root = repository(folder)
    index = _index(root)
    found = index.get(dockerfile)
    sources = _sources(df, stages) if df is not None else []
    if found:
        if sources and not _all_exist(found[0].context, sources):
            # the file's context lacks sources that all exist under an ancestor: the files decide
            ancestor = structural(sources, folder, root)
            if ancestor is not None:
                return ancestor, "structural"
        return found[0].context, found[0].where
    if sources and not _all_exist(folder, sources):
        # a build whose Dockerfile is an expression (`file: ${{ inputs.DOCKERFILE }}`) but whose
        # context holds every source this Dockerfile copies
        for b in index.get("", ()):
            if _all_exist(b.context, sources):
                return b.context, b.where
        ancestor = structural(sources, folder, root)
        if ancestor is not None:
            return ancestor, "structural"
    return folder, "default"


# -- the repository -------------------------------------------------------------------------

_ROOTS: dict[str, str] = {}
_INDEXES: dict[str, dict[str, list[Build]]] = {}


def forget() -> None:
    """Drop the repositories and build files read so far (they may have changed)."""
    _ROOTS.clear()
    _INDEXES.clear()
    _MARKED.clear()
    forget_repo_roots()


# Files a project keeps at its root: without `.git`, the highest directory holding one of
# them (up to the current directory) is taken for the repository.
_ROOT_MARKERS = (".gitignore", "README.md", "README.rst", "README", "LICENSE", "pyproject.toml", "setup.py")


def repository(folder: str) -> str:
    """The directory searched for build files: the nearest ancestor of ``folder`` holding
    ``.git``; without one, the highest directory from ``folder`` up to the current directory
    that holds a ``.gitignore``, README, LICENSE, ``pyproject.toml`` or ``setup.py`` (else the
    current directory itself, when ``folder`` is under it, or ``folder``)."""
    if folder not in _ROOTS:
        root = repo_root(folder)
        if root is None:
            cwd = os.getcwd()
            inside = folder == cwd or folder.startswith(cwd.rstrip(os.sep) + os.sep)
            root = folder if not inside else cwd
            d = folder
            while inside:
                if _has_marker(d):
                    root = d
                if d == cwd:
                    break
                d = os.path.dirname(d)
        _ROOTS[folder] = root
    return _ROOTS[folder]


_MARKED: dict[str, bool] = {}


def _has_marker(folder: str) -> bool:
    if folder not in _MARKED:
        try:
            names = set(os.listdir(folder))  # one read of the folder, not a look-up per marker
        except OSError:
            names = set()
        _MARKED[folder] = any(m in names for m in _ROOT_MARKERS)
    return _MARKED[folder]


def _scan(root: str) -> list[tuple[str, str]]:
    """(kind, absolute path) of the files that may name a build context, in a stable order."""
    found = []
    count = 0
    stack = [(root, 0, ".")]
    while stack and count < _MAX_SCAN:
        folder, depth, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            count += 1
            try:
                if e.is_dir(follow_symlinks=False):
                    if depth < _MAX_DEPTH and (e.name not in _SKIP_DIRS or (e.name == ".github" and depth == 0)):
                        stack.append((e.path, depth + 1, e.name if rel == "." else f"{rel}/{e.name}"))
                    continue
                if not e.is_file(follow_symlinks=False):
                    continue
            except OSError:
                continue
            kind = _kind(e.name, rel)
            if kind:
                found.append((kind, e.path))
    return sorted(found, key=lambda kp: kp[1])


def _kind(name: str, rel: str) -> str | None:
    if _COMPOSE_NAME.fullmatch(name):
        return "compose"
    if _BAKE_NAME.fullmatch(name):
        return "bake"
    if name == "devcontainer.json" and (rel == ".devcontainer" or rel.startswith(".devcontainer/")) or name == ".devcontainer.json":
        return "devcontainer"
    if rel == ".github/workflows" and name.endswith((".yml", ".yaml")):
        return "workflow"
    if name == ".gitlab-ci.yml" and rel == ".":
        return "gitlab"
    if _MAKE_NAME.fullmatch(name):
        return "make"
    if _SCRIPT_NAME.fullmatch(name):
        return "script"
    return None


def _index(root: str) -> dict[str, list[Build]]:
    """Dockerfile -> the builds that name it, most trusted first; cached per repository."""
    if root not in _INDEXES:
        builds: list[Build] = []
        for kind, path in _scan(root):
            try:
                with open(path, "rb") as fh:
                    data = fh.read(_MAX_READ)
            except OSError:
                continue
            if kind in ("make", "script") and not _BUILDERS.search(data):
                continue
            text = data.decode("utf-8", "replace")
            try:
                builds += _READERS[kind](text, path, root)
            except (ValueError, TypeError, AttributeError, RecursionError):  # a file that is not what its name says
                continue
        index: dict[str, list[Build]] = {}  # "" holds builds whose Dockerfile is not known
        for b in sorted(builds, key=lambda b: (b.rank, b.where)):
            if not b.dockerfile and os.path.isdir(b.context) or os.path.isfile(b.dockerfile):
                index.setdefault(b.dockerfile, []).append(b)
        _INDEXES[root] = index
    return _INDEXES[root]


def _where(path: str, line: int) -> str:
    return f"{display_path(path)}:{line}"


def _plain(value) -> bool:
    """A path value that can be used as written: a string without variables or URLs."""
    return isinstance(value, str) and bool(value) and "$" not in value and "\0" not in value and "://" not in value and not value.startswith("git@")


def _build(dockerfile: str, context: str, base: str, rank: int, where: str, file_base: str | None = None) -> Build:
    """A build with ``context`` relative to ``base`` and ``dockerfile`` relative to ``file_base``
    (default: the context)."""
    ctx = os.path.normpath(os.path.join(base, context))
    df = os.path.normpath(os.path.join(file_base or ctx, dockerfile))
    return Build(df, ctx, rank, where)


# -- YAML with line numbers -------------------------------------------------------------------

_LOADER = None


def _yaml(text: str):
    """The document, its mappings carrying ``__lines__`` (key -> 1-based line of the key)."""
    global _LOADER
    import yaml

    if _LOADER is None:

        class Loader(yaml.SafeLoader):
            pass

        def mapping(loader, node):
            loader.flatten_mapping(node)
            out = _Lines()
            for k, v in node.value:
                key = loader.construct_object(k, deep=True)
                try:
                    out[key] = loader.construct_object(v, deep=True)
                except TypeError:  # an unhashable key
                    continue
                out.lines[key] = k.start_mark.line + 1
            return out

        Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
        _LOADER = Loader
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        raise ValueError(str(e)) from None


class _Lines(dict):
    """A YAML mapping that remembers the line of each key."""

    def __init__(self):
        super().__init__()
        self.lines: dict = {}

    def line(self, key) -> int:
        return self.lines.get(key, 0)


def _compose(text: str, path: str, root: str) -> list[Build]:
    doc = _yaml(text)
    if not isinstance(doc, dict):
        return []
    services = doc.get("services") if isinstance(doc.get("services"), dict) else doc  # version 1 files have no `services:`
    base = os.path.dirname(path)
    out = []
    for service in services.values():
        if not isinstance(service, _Lines) or "build" not in service:
            continue
        b = service["build"]
        where = _where(path, service.line("build"))
        if isinstance(b, str):
            if _plain(b):
                out.append(_build("Dockerfile", b, base, _COMPOSE, where))
        elif isinstance(b, dict) and "dockerfile_inline" not in b:
            ctx, df = b.get("context", "."), b.get("dockerfile", "Dockerfile")
            if _plain(ctx) and _plain(df):
                out.append(_build(df, ctx, base, _COMPOSE, where))
            elif _plain(ctx):
                out.append(Build("", os.path.normpath(os.path.join(base, ctx)), _COMPOSE, where))
    return out


def _bake(text: str, path: str, root: str) -> list[Build]:
    """Targets of a bake file: its JSON form, or HCL read with python-hcl2 (string literals only)."""
    import json
    if path.endswith(".hcl"):
        targets = _hcl_targets(text)
        key = lambda name: re.compile(r"target\s+" + re.escape(json.dumps(name)) + r"\s*\{")  # noqa: E731
    else:
        doc = json.loads(text)
        targets = doc.get("target") if isinstance(doc, dict) else None
        key = lambda name: re.compile(re.escape(json.dumps(name)) + r"\s*:")  # noqa: E731
    if not isinstance(targets, dict):
        return []
    base = os.path.dirname(path)
    out = []
    for name in targets:
        t = _inherited(targets, name, ())
        if "dockerfile-inline" in t:
            continue
        ctx, df = t.get("context", "."), t.get("dockerfile", "Dockerfile")
        if _plain(ctx) and _plain(df):
            out.append(_build(df, ctx, base, _BAKE, _where(path, _line_of(text, key(name)))))
    return out


def _inherited(targets: dict, name: str, seen: tuple) -> dict:
    """A bake target's attributes with those of the targets it ``inherits`` (later ones win)."""
    t = targets.get(name)
    if not isinstance(t, dict) or name in seen:
        return {}
    merged: dict = {}
    parents = t.get("inherits", [])
    for parent in parents if isinstance(parents, list) else []:
        if isinstance(parent, str):
            merged.update(_inherited(targets, parent, (*seen, name)))
    merged.update(t)
    return merged


def _hcl_targets(text: str) -> dict:
    """``target`` blocks of a bake HCL file: name -> attributes, string literals unquoted and
    anything else (expressions, function calls) left out."""
    import hcl2

    try:
        doc = hcl2.loads(text)
    except Exception as e:  # python-hcl2 raises lark's errors, which share no base with ValueError
        raise ValueError(str(e)) from None
    out = {}
    for block in doc.get("target", []) if isinstance(doc, dict) else []:
        for name, body in block.items() if isinstance(block, dict) else ():
            if isinstance(body, dict):
                out[_literal(name)] = {k: v for k, v in ((k, _literal(v)) for k, v in body.items()) if v is not None}
    return out


def _literal(value):
    """An HCL string literal as python-hcl2 gives it (``'"docker"'``) unquoted; lists item by item; None for expressions."""
    if isinstance(value, list):
        return [_literal(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return None


def _devcontainer(text: str, path: str, root: str) -> list[Build]:
    import json

    doc = json.loads(_jsonc(text))
    if not isinstance(doc, dict):
        return []
    build = doc.get("build") if isinstance(doc.get("build"), dict) else {}
    df = build.get("dockerfile") or build.get("dockerFile") or doc.get("dockerFile") or doc.get("dockerfile")
    ctx = build.get("context", doc.get("context", "."))
    if not (_plain(df) and _plain(ctx)):
        return []
    base = os.path.dirname(path)
    key = re.compile(r'"(build|dockerFile|dockerfile)"\s*:')
    # devcontainer.json: `dockerfile` is relative to the file itself, `context` too (containers.dev/implementors/json_reference/)
    return [_build(df, ctx, base, _BAKE, _where(path, _line_of(text, key)), file_base=base)]


def _jsonc(text: str) -> str:
    """JSON with comments and trailing commas (devcontainer.json) as plain JSON."""
    out = []
    k, n = 0, len(text)
    while k < n:
        c = text[k]
        if c == '"':
            end = k + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(text[k : end + 1])
            k = end + 1
        elif text.startswith("//", k):
            k = text.find("\n", k) if "\n" in text[k:] else n
        elif text.startswith("/*", k):
            end = text.find("*/", k + 2)
            k = n if end < 0 else end + 2
        else:
            out.append(c)
            k += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def _line_of(text: str, key: re.Pattern) -> int:
    """The line of the first match of ``key`` (1 when there is none)."""
    m = key.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _workflow(text: str, path: str, root: str) -> list[Build]:
    doc = _yaml(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        return []
    out = []
    top = _run_dir(doc, root)
    for job in doc["jobs"].values():
        if not isinstance(job, dict) or not isinstance(job.get("steps"), list):
            continue
        job_dir = _run_dir(job, root) or top or root
        for step in job["steps"]:
            if not isinstance(step, _Lines):
                continue
            uses = step.get("uses")
            if isinstance(uses, str) and uses.startswith("docker/build-push-action"):
                w = step.get("with") if isinstance(step.get("with"), dict) else {}
                ctx = w.get("context", ".")
                df = w.get("file")
                where = _where(path, step.line("uses"))
                if _plain(ctx) and (df is None or _plain(df)):
                    # `file` is relative to the workspace; without it, `{context}/Dockerfile`
                    out.append(_build(df, ctx, root, _CI, where, file_base=root) if df else _build("Dockerfile", ctx, root, _CI, where))
                elif _plain(ctx):
                    out.append(Build("", os.path.normpath(os.path.join(root, ctx)), _CI, where))
            elif isinstance(step.get("run"), str):
                wd = step.get("working-directory")
                cwd = os.path.normpath(os.path.join(root, wd)) if _plain(wd) else job_dir if wd is None else None
                if cwd is not None:
                    out += _shell(step["run"], [cwd], root, path, step.line("run"))
    return out


def _run_dir(node: dict, root: str) -> str | None:
    d = node.get("defaults")
    wd = d.get("run", {}).get("working-directory") if isinstance(d, dict) and isinstance(d.get("run"), dict) else None
    return os.path.normpath(os.path.join(root, wd)) if _plain(wd) else None


def _gitlab(text: str, path: str, root: str) -> list[Build]:
    doc = _yaml(text)
    if not isinstance(doc, dict):
        return []
    out = []
    for job in doc.values():
        if not isinstance(job, _Lines):
            continue
        for key in ("before_script", "script"):
            lines = job.get(key)
            lines = [lines] if isinstance(lines, str) else lines if isinstance(lines, list) else []
            script = "\n".join(s for s in lines if isinstance(s, str))
            if script:
                out += _shell(script, [root], root, path, job.line(key))
    return out


def _make(text: str, path: str, root: str) -> list[Build]:
    """Recipe lines of a Makefile; each runs in the Makefile's directory."""
    out = []
    logical = _logical_lines(text)
    for line, body in logical:
        if body.startswith("\t"):
            body = body.lstrip("\t").lstrip("@-+ ")
            if "$(" in body.replace("$$(", "") or "${" in body.replace("$${", ""):
                continue  # make variables are not resolved
            out += _shell(body.replace("$$", "$"), [os.path.dirname(path)], root, path, line, per_line=True)
    return out


def _script(text: str, path: str, root: str) -> list[Build]:
    """A shell script: it may be run from its own directory or from the repository root."""
    bases = list(dict.fromkeys((os.path.dirname(path), root)))
    return _shell(text, bases, root, path, 0)


_READERS = {"compose": _compose, "bake": _bake, "devcontainer": _devcontainer, "workflow": _workflow, "gitlab": _gitlab, "make": _make, "script": _script}


# -- build command lines --------------------------------------------------------------------


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each line after joining backslash continuations."""
    out = []
    pending, start = "", 0
    for k, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = k
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        out.append((start, pending + raw))
        pending = ""
    if pending:
        out.append((start, pending))
    return out


def _shell(script: str, bases: list[str], root: str, path: str, first: int, per_line: bool = False) -> list[Build]:
    """Builds the ``docker build`` (and the like) commands of a script name.

    ``bases`` are the directories it may run in (the first where the Dockerfile exists is
    taken); ``first`` is the line of the script in ``path`` (0: the script is the file).
    A plain ``cd DIR`` moves the directory for the rest of the script.
    """
    out = []
    dirs = list(bases)
    multi = "\n" in script.strip()  # a block: its first line is the one after the key
    for k, line in _logical_lines(script):
        line = _ROOT_VARS.sub(lambda m: root, line)
        try:
            from shlex import shlex

            lex = shlex(line, posix=True, punctuation_chars=True)
            lex.whitespace_split = True
            lex.commenters = "#"
            words = list(lex)
        except ValueError:
            continue
        where = _where(path, k if first == 0 else first + k if multi else first)
        for command in _commands(words):
            if command[0] == "cd" and len(command) == 2 and _plain(command[1]):
                dirs = [os.path.normpath(os.path.join(d, command[1])) for d in dirs]
                continue
            spec = _build_command(command)
            if spec is None:
                continue
            df, ctx, df_from_context = spec
            for d in dirs:
                cwd_ctx = _CWD_VARS.sub(lambda m: d, ctx)
                cwd_df = _CWD_VARS.sub(lambda m: d, df) if df else None
                if not _plain(cwd_ctx) or (cwd_df is not None and not _plain(cwd_df)):
                    break
                if cwd_df is None:
                    b = _build("Dockerfile", cwd_ctx, d, _CI, where)
                else:
                    b = _build(cwd_df, cwd_ctx, d, _CI, where, file_base=None if df_from_context else d)
                if os.path.isfile(b.dockerfile):
                    out.append(b)
                    break
        if per_line:
            dirs = list(bases)
    return out


def _commands(words: list[str]) -> list[list[str]]:
    out, cur = [], []
    for w in words:
        if w and all(c in "&|;()" for c in w):
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(w)
    if cur:
        out.append(cur)
    return out


def _build_command(words: list[str]) -> tuple[str | None, str, bool] | None:
    """(Dockerfile or None, context, Dockerfile relative to the context) of a build command."""
    while words and (words[0] in ("sudo", "time", "exec", "command") or re.fullmatch(r"\w+=\S*", words[0])):
        words = words[1:]
    if not words:
        return None
    prog = posixpath.basename(words[0])
    if prog == "executor":  # kaniko: --context and --dockerfile (relative to the context)
        opts = _options(words[1:], ("--context", "-c"), ("--dockerfile", "-f"))
        ctx = opts.get("--context") or opts.get("-c")
        ctx = ctx.removeprefix("dir://") if ctx else None
        return (opts.get("--dockerfile") or opts.get("-f"), ctx, True) if ctx else None
    rest = words[1:]
    if prog in ("docker", "podman"):
        if rest[:2] in (["buildx", "build"], ["image", "build"]):
            rest = rest[2:]
        elif rest[:1] == ["build"]:
            rest = rest[1:]
        else:
            return None
    elif prog == "buildah" and rest[:1] in (["bud"], ["build"], ["build-using-dockerfile"]):
        rest = rest[1:]
    else:
        return None
    df, positional = None, []
    k = 0
    while k < len(rest):
        w = rest[k]
        if w in ("-f", "--file"):
            df = rest[k + 1] if k + 1 < len(rest) else None
            k += 2
            continue
        if w.startswith("--file="):
            df = w.split("=", 1)[1]
        elif w.startswith("-f") and len(w) > 2 and not w.startswith("--"):
            df = w[2:]
        elif w in _VALUE_OPTS:
            k += 1
        elif not w.startswith("-"):
            positional.append(w)
        k += 1
    if len(positional) != 1 or positional[0] == "-":
        return None
    return df, positional[0], False


def _options(words: list[str], *names: tuple[str, ...]) -> dict[str, str]:
    wanted = {n for group in names for n in group}
    out = {}
    for k, w in enumerate(words):
        name, eq, value = w.partition("=")
        if name in wanted:
            out[name] = value if eq else (words[k + 1] if k + 1 < len(words) else "")
    return out


# -- the structural fallback -----------------------------------------------------------------


def _sources(df, stages=None) -> list[str]:
    """The context paths the COPY/ADD instructions of the built stages name (no variables)."""
    from mldocklint.target import Target, copy_sources

    if stages is None:
        stages = Target(df).built_stages() if df.stages else ()
    sources = []
    for stage in stages:
        for instr in stage.instructions:
            for src in copy_sources(instr):
                s = posixpath.normpath("/" + src.replace("\\", "/")).lstrip("/")
                if s not in ("", ".") and "$" not in s:
                    sources.append(s)
    return sources


def structural(sources: list[str], folder: str, root: str) -> str | None:
    """The nearest ancestor of ``folder`` (up to ``root``) under which every source exists."""
    d = folder
    while d != root and d.startswith(root.rstrip(os.sep) + os.sep):
        d = os.path.dirname(d)
        if _all_exist(d, sources):
            return d
    return None


def _all_exist(base: str, sources: list[str]) -> bool:
    for s in sources:
        full = os.path.join(base, *s.split("/"))
        if re.search(r"[*?\[]", s):
            from glob import glob

            if not glob(full):
                return False
        elif not os.path.lexists(full):
            return False
    return True
