"""Helpers shared by the rules that read the build context (ML2xx/ML5xx)."""

from __future__ import annotations

from mldocklint.knowledge.files import DATA_EXT, MEDIA_EXT
from mldocklint.model import Dockerfile, Instruction, Problem
from mldocklint.target import span
from mldocklint.units import MB, human

# Where the context is only assumed (the Dockerfile's folder), a missing file may be in the real one.
ASSUMED = "; if the image is built from another directory, set it with --context or [tool.mldocklint.contexts]"


def at_word(df: Dockerfile, instr: Instruction, word: str, message: str, **kw) -> Problem:
    """A problem at ``word`` as written after the instruction's flags, else at the instruction."""
    src = df.text[instr.start : instr.end]
    skip = max((src.find(f) + len(f) for f in instr.flags if f in src), default=len(instr.keyword))
    k = src.find(word, skip) if word else -1
    if k < 0:
        return Problem.at(instr, message, **kw)
    line, col, end_line, end_col = span(instr, src, k, len(word))
    return Problem(line, col, message, end_line=end_line, end_column=end_col, **kw)


def top(groups: dict[str, int], k: int = 3) -> str:
    """The ``k`` largest of path -> size, as `path` (size), ..."""
    items = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{p} ({human(s)})" for p, s in items[:k])
    return shown + (f" and {len(items) - k} more" if len(items) > k else "")


# -- what a context sends that a build does not need (ML501, ML502) ---------------------------

# Directories that never belong in a build, by name: kind of content.
DIRS = {
    ".git": "git",
    "__pycache__": "pycache",
    ".ipynb_checkpoints": "notebook checkpoints",
    "mlruns": "experiment runs",  # MLflow tracking store (mlflow.org/docs/latest/tracking)
    "mlartifacts": "experiment runs",  # MLflow server's default artifact store
    "wandb": "experiment runs",  # Weights & Biases run files
    "lightning_logs": "experiment runs",  # PyTorch Lightning's default logger folder
    ".terraform": "terraform",  # provider plugins and module copies of `terraform init`
}
MIN_MEDIA_FILES = 50
# Caches and run folders smaller than this are not worth a finding.
CACHE_FLOOR = MB
CACHES = ("pycache", "notebook checkpoints", "experiment runs")


def copies(target) -> tuple[list[str], bool]:
    """Context paths named by COPY/ADD sources of the built stages, and whether one copies the
    whole context (``COPY . .``)."""
    from mldocklint.target import copy_sources

    out = []
    whole = False
    for stage in target.built_stages():
        for instr in stage.instructions:
            for src in copy_sources(instr):
                s = src.strip("/").removeprefix("./")
                if s in ("", ".", "*"):
                    whole = True
                else:
                    out.append(s)
    return list(dict.fromkeys(out)), whole


def _used(path: str, copied: list[str]) -> bool:
    import fnmatch

    return any(path == c or path.startswith(c.rstrip("/") + "/") or fnmatch.fnmatchcase(path, c) for c in copied)


def unwanted(target, min_bytes: float, min_model_bytes: float) -> dict[str, dict[str, int]]:
    """What the context sends and the build does not use, by kind: {kind: {path: size}}.

    Kinds: git, virtualenv (a directory holding ``pyvenv.cfg``), pycache, notebook checkpoints
    and experiment runs (at least ``CACHE_FLOOR`` in all), terraform, datasets (the data files
    of a directory without Python sources, ``min_bytes`` or more in all; images and audio only
    from ``MIN_MEDIA_FILES`` files) and model files (weights of ``min_model_bytes`` or more). Datasets and models that a COPY names, or that a
    whole-context COPY brings and the application names (or, for models, that no COPY names
    while a whole-context COPY may bring them), are used.
    """
    return target.memo(("unwanted", min_bytes, min_model_bytes), _unwanted, min_bytes, min_model_bytes)  # ML501 and ML502 both ask


def _unwanted(target, min_bytes: float, min_model_bytes: float) -> dict[str, dict[str, int]]:
    from mldocklint.knowledge.files import has_model_ext, is_model_path

    ctx = target.context
    sent = ctx.sent()
    venvs = {p.rsplit("/", 1)[0] for p in sent if p.endswith("/pyvenv.cfg")}
    code_dirs = {p.rpartition("/")[0] for p in sent if p.endswith(".py")} - {""}  # packages; the root is the project
    copied, whole = copies(target)
    keep_models = whole and not any(is_model_path(c) for c in copied)
    groups: dict[str, dict[str, int]] = {}
    data: dict[str, dict[str, int]] = {}  # directory -> its data files
    for path, n in sent.items():
        parts = path.split("/")
        kind = root = None
        for k, part in enumerate(parts[:-1]):
            prefix = "/".join(parts[: k + 1])
            if prefix in venvs:
                kind, root = "virtualenv", prefix
                break
            if part in DIRS:
                kind, root = DIRS[part], prefix
                break
        if kind is None:
            folder = path.rpartition("/")[0]
            if path.lower().endswith(DATA_EXT + MEDIA_EXT) and folder not in code_dirs:
                data.setdefault(folder, {})[path] = n
            elif has_model_ext(path) and n >= min_model_bytes and not _used(path, copied) and not keep_models:
                groups.setdefault("model files", {})[path] = n
            continue
        group = groups.setdefault(kind, {})
        group[root] = group.get(root, 0) + n
    for folder, found in data.items():
        # files at the root count one by one, a directory's data files together
        media = [p for p in found if p.lower().endswith(MEDIA_EXT)]
        if len(media) < MIN_MEDIA_FILES:
            found = {p: n for p, n in found.items() if p not in media}
        for root, files in ([(p, {p: n}) for p, n in found.items()] if not folder else [(folder, found)] if found else []):
            if sum(files.values()) < min_bytes or _used(root, copied) or any(_used(p, copied) for p in files):
                continue
            names = {root.rsplit("/", 1)[-1], *(p.rsplit("/", 1)[-1] for p in files)}
            if whole and names & ctx.mentioned:
                continue  # the application reads it after `COPY . .`
            groups.setdefault("datasets", {})[root] = sum(files.values())
    for kind in CACHES:
        if kind in groups and sum(groups[kind].values()) < CACHE_FLOOR:
            del groups[kind]
    return groups
