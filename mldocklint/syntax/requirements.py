"""Requirements sources -> entries with their pin status and location.

Reads pip requirements files (``-r``/``-c`` includes, ``-e``, ``--hash`` and other
per-line options, extras, environment markers, URLs and VCS references, comments,
``\\`` continuations), ``[project.dependencies]`` of a ``pyproject.toml`` and the conda and
pip dependencies of an ``environment.yml``. Specifiers are read with ``packaging``.

Parsing is pure: includes are returned for the caller to resolve (see ``context.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mldocklint import lazyre
from mldocklint.records import NamedTuple

_HEX_SHA = lazyre.compile(r"[0-9a-fA-F]{40}([0-9a-fA-F]{24})?")
_VCS = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVE = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".tar")
_COMMENT = lazyre.compile(r"(^|\s+)#.*$")
_OPT_WITH_VALUE = {"-r": "requirement", "--requirement": "requirement", "-c": "constraint", "--constraint": "constraint", "-e": "editable", "--editable": "editable"}


class Entry(NamedTuple):
    """One dependency as written in a file."""

    text: str  # the requirement as written, without options and comments
    name: str | None  # canonical project name, when known
    pinned: bool  # pinned to one version or one commit (or a local path / archive)
    path: str  # context-relative POSIX path of the file
    line: int
    column: int
    end_column: int
    kind: str = "pip"  # "pip", "conda"
    local: bool = False  # a local path: not a published dependency
    valid: bool = True


class Include(NamedTuple):
    """``-r FILE`` or ``-c FILE`` in a requirements file."""

    target: str  # as written
    constraint: bool
    path: str
    line: int
    column: int
    end_column: int


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@lru_cache(maxsize=4096)  # monorepos repeat the same requirement lines
def classify(text: str) -> tuple[str | None, bool, bool, bool]:
    """(name, pinned, local, valid) of one requirement string."""
    t = text.strip()
    low = t.lower()
    at = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*@\s*(\S+)", t)
    url = at.group(3) if at else t
    name = canonical(at.group(1)) if at else None
    if at or low.startswith(_VCS) or "://" in low or low.startswith(("file:", ".", "/", "~")):
        ulow = url.lower()
        m = re.search(r"#egg=([A-Za-z0-9._-]+)", url)
        if name is None and m:
            name = canonical(m.group(1))
        if ulow.startswith(_VCS):
            ref = url.split("#", 1)[0].rsplit("/", 1)[-1]
            sha = ref.rsplit("@", 1)[1] if "@" in ref else ""
            return name, bool(_HEX_SHA.fullmatch(sha)), False, True
        if "://" in ulow and not ulow.startswith("file:"):
            return name, ulow.split("#", 1)[0].split("?", 1)[0].endswith(_ARCHIVE), False, True
        return name, True, True, True
    if re.match(r"^[^\s\[;=<>!~]+\.(whl|tar\.gz|zip)$", t):
        return None, True, True, True  # a local archive
    req = requirement(t)
    if req is None:
        return None, False, False, False
    pinned = any(s.operator == "===" or (s.operator == "==" and "*" not in s.version) for s in req.specifier)
    return canonical(req.name), pinned, False, True


def _logical_lines(text: str):
    """(first physical line, column offset, text) with continuations joined and comments removed."""
    start = None
    parts: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        if start is None:
            start = n
        if raw.endswith("\\") and not _COMMENT.search(raw):
            parts.append(raw[:-1])
            continue
        parts.append(raw)
        yield start, _COMMENT.sub("", "".join(parts))
        start, parts = None, []
    if parts:
        yield start, _COMMENT.sub("", "".join(parts))


class IndexOption(NamedTuple):
    """``--index-url``, ``--extra-index-url`` or ``--find-links`` in a requirements file."""

    url: str
    path: str
    line: int
    column: int
    end_column: int


_INDEX_OPTION = lazyre.compile(r"(?:--index-url|--extra-index-url|--find-links|-i|-f)(?:\s*=\s*|\s+)(\S+)")


def index_options(text: str, path: str) -> list[IndexOption]:
    """The package indexes and find-links locations a pip requirements file names."""
    found = []
    for line, logical in _logical_lines(text):
        m = _INDEX_OPTION.match(logical.strip())
        if m:
            col = len(logical) - len(logical.lstrip()) + m.start(1) + 1
            found.append(IndexOption(m.group(1), path, line, col, col + len(m.group(1))))
    return found


def parse_requirements(text: str, path: str) -> tuple[list[Entry], list[Include]]:
    """Entries and includes of a pip requirements file."""
    entries: list[Entry] = []
    includes: list[Include] = []
    for line, logical in _logical_lines(text):
        body = logical.strip()
        if not body:
            continue
        col = len(logical) - len(logical.lstrip()) + 1
        if body.startswith("-"):
            if body.startswith("--"):
                head, _, rest = re.match(r"(--[A-Za-z-]+)\s*(=?)\s*(.*)", body).groups()
            else:
                head, rest = body[:2], body[2:].lstrip(" =")
            kind = _OPT_WITH_VALUE.get(head)
            value = rest.strip()
            if kind in ("requirement", "constraint") and value:
                vcol = col + logical.strip().find(value)
                includes.append(Include(value, kind == "constraint", path, line, vcol, vcol + len(value)))
            elif kind == "editable" and value:
                vcol = col + logical.strip().find(value)
                name, pinned, local, valid = classify(value)
                entries.append(Entry(value, name, pinned, path, line, vcol, vcol + len(value), local=local, valid=valid))
            continue
        # per-requirement options (--hash=..., --config-settings ...) follow the requirement
        tokens = body.split(" ")
        req_tokens = []
        for tok in tokens:
            if tok.startswith("-"):
                break
            req_tokens.append(tok)
        req = " ".join(req_tokens).strip()
        if not req:
            continue
        name, pinned, local, valid = classify(req)
        entries.append(Entry(req, name, pinned, path, line, col, col + len(req), local=local, valid=valid))
    return entries, includes


def _quoted_positions(text: str, start: int, values: list[str]) -> list[tuple[int, int]]:
    """(line, column) of each quoted value, searched in order from ``start``."""
    out = []
    pos = start
    for v in values:
        best = -1
        for q in ('"', "'"):
            k = text.find(q + v + q, pos)
            if k >= 0 and (best < 0 or k < best):
                best = k
        if best < 0:
            out.append((1, 1))
            continue
        pos = best + len(v) + 2
        line = text.count("\n", 0, best) + 1
        out.append((line, best - (text.rfind("\n", 0, best) + 1) + 2))
    return out


def parse_pyproject(text: str, path: str) -> tuple[list[Entry], str | None]:
    """``[project.dependencies]`` entries, and an error message when the file is not valid TOML."""
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return [], f"not valid TOML: {e}"
    deps = (data.get("project") or {}).get("dependencies") or []
    deps = [d for d in deps if isinstance(d, str)]
    m = re.search(r"(?m)^\s*\[project\]\s*$", text)
    section = m.end() if m else 0
    k = re.compile(r"(?m)^\s*dependencies\s*=").search(text, section)
    start = k.end() if k else section
    entries = []
    for dep, (line, col) in zip(deps, _quoted_positions(text, start, deps)):
        name, pinned, local, valid = classify(dep)
        entries.append(Entry(dep, name, pinned, path, line, col, col + len(dep), local=local, valid=valid))
    return entries, None


_CONDA_PIN = lazyre.compile(r"^([A-Za-z0-9_.\-]+)\s*(==?)\s*([^\s=<>!*,|]+)(=[^\s]*)?$")


def conda_spec(spec: str) -> tuple[str, bool]:
    """(canonical name, pinned) of a conda package spec: ``numpy=1.26.4``, ``conda-forge::numpy==1.26.4``."""
    bare = spec.split("::", 1)[-1]
    m = _CONDA_PIN.match(bare)
    return canonical(m.group(1) if m else re.split(r"[\s=<>!~]", bare, maxsplit=1)[0]), m is not None


def parse_environment(text: str, path: str) -> tuple[list[Entry], list[Include], str | None]:
    """Conda dependencies and the pip section of an ``environment.yml``."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        return [], [], f"not valid YAML: {str(e).splitlines()[0]}"
    entries: list[Entry] = []
    includes: list[Include] = []
    if not isinstance(root, yaml.MappingNode):
        return entries, includes, None
    deps = next((v for k, v in root.value if getattr(k, "value", None) == "dependencies"), None)
    if not isinstance(deps, yaml.SequenceNode):
        return entries, includes, None
    has_pip_section = False
    for item in deps.value:
        if isinstance(item, yaml.MappingNode):
            for k, v in item.value:
                if getattr(k, "value", None) == "pip" and isinstance(v, yaml.SequenceNode):
                    has_pip_section = True
                    for node in v.value:
                        if isinstance(node, yaml.ScalarNode):
                            _pip_item(node, path, entries, includes)
    for item in deps.value:
        if not isinstance(item, yaml.ScalarNode):
            continue
        spec = str(item.value).strip()
        name, pinned = conda_spec(spec)
        if name == "pip" and has_pip_section and not pinned:
            continue
        line, col = item.start_mark.line + 1, item.start_mark.column + 1
        if item.style in ('"', "'"):
            col += 1
        entries.append(Entry(spec, name, pinned, path, line, col, col + len(spec), kind="conda"))
    return entries, includes, None


def _pip_item(node, path: str, entries: list[Entry], includes: list[Include]) -> None:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if node.style in ('"', "'"):
        col += 1
    found, incs = parse_requirements(str(node.value), path)
    for e in found:
        entries.append(Entry(e.text, e.name, e.pinned, path, line, col + e.column - 1, col + e.end_column - 1, local=e.local, valid=e.valid))
    for i in incs:
        includes.append(Include(i.target, i.constraint, path, line, col + i.column - 1, col + i.end_column - 1))


class Spec(NamedTuple):
    """One version clause of a requirement: ``==``, ``1.2.0``."""

    operator: str
    version: str

    def __str__(self) -> str:
        return self.operator + self.version


class Req(NamedTuple):
    """A requirement word read without ``packaging``: the same attributes rules read from
    ``packaging.requirements.Requirement`` (a name, extras, version clauses; never a URL or
    marker, which go to ``packaging``)."""

    name: str
    extras: frozenset
    specifier: tuple[Spec, ...]
    url: None = None
    marker: None = None


_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_RELEASE = r"v?\d+(?:\.\d+)*"
_PRE_POST = r"(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?"
_SIMPLE_REQ = lazyre.compile(rf"\s*({_NAME})\s*(?:\[\s*({_NAME}(?:\s*,\s*{_NAME})*)?\s*\])?\s*(.*?)\s*")
_CLAUSE = lazyre.compile(
    rf"(===|==|!=|~=|<=|>=|<|>)\s*({_RELEASE}(?:\.\*|{_PRE_POST}(?:\+[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*)?))",
    re.I | re.ASCII,  # ASCII: versions are; and Unicode case folding makes this slow to compile
)


def _fast(word: str) -> Req | None:
    """The common requirement words (``torch``, ``numpy==1.26.4``, ``uvicorn[standard]>=0.30,<1``)
    without importing ``packaging``; None when the word needs the full grammar."""
    m = _SIMPLE_REQ.fullmatch(word)
    if m is None:
        return None
    specs = []
    for part in m.group(3).split(",") if m.group(3) else ():
        c = _CLAUSE.fullmatch(part.strip())
        if c is None:
            return None
        op, version = c.group(1), c.group(2)
        if op == "===" or (("*" in version or "+" in version) and op not in ("==", "!=")) or (op == "~=" and "." not in version):
            return None  # rare forms: packaging decides
        specs.append(Spec(op, version))
    extras = frozenset(e.strip() for e in m.group(2).split(",")) if m.group(2) else frozenset()
    return Req(m.group(1), extras, tuple(specs))


@lru_cache(maxsize=1 << 12)
def requirement(word: str):
    """The requirement a pip word names (``Req``, or ``packaging.requirements.Requirement`` for
    URLs, markers and rare version forms), or None when it is not one."""
    fast = _fast(word)
    if fast is not None:
        return fast
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(word)
    except InvalidRequirement:
        return None
