"""What every rule is given, and the shared reading of a Dockerfile that rules build on.

A rule module defines ``ID``, ``SLUG``, ``CATEGORY``, ``SEVERITY``, ``SUMMARY``, ``FIX``
("safe", "unsafe" or "none"), optionally ``OPTIONS`` (defaults), ``NEEDS_CONTEXT`` (runs
only with a build context) or ``USES_CONTEXT`` (runs always, reads ``target.context`` when
it was loaded), and ``check(target, options)``: a generator of ``model.Problem``. Its module docstring
is its documentation (sections checked, pages in ``rules/`` generated and examples run by
tests/test_catalog.py, which also describes the ```text block that lists an example's build
context). A fixable rule has a fixer in ``mldocklint/fixes/`` (see its package docstring).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from types import ModuleType
from typing import NamedTuple

from mldocklint.model import Dockerfile, Instruction, Problem, Stage
from mldocklint.syntax import shell

__all__ = ["Rule", "Target", "Problem", "rule_from_module"]


class Rule(NamedTuple):
    id: str
    slug: str
    category: str
    severity: str
    summary: str
    doc: str
    fix: str
    options: dict
    needs_context: bool
    scope: str  # "dockerfile" or "image"
    check: object
    uses_context: bool = False  # reads target.context when there is one, works without it

    @property
    def url(self) -> str:
        from mldocklint import DOCS_URL

        return f"{DOCS_URL}/rules/{self.id}.md"


def rule_from_module(mod: ModuleType) -> Rule:
    return Rule(
        id=mod.ID,
        slug=mod.SLUG,
        category=mod.CATEGORY,
        severity=mod.SEVERITY,
        summary=mod.SUMMARY,
        doc=(mod.__doc__ or "").strip(),
        fix=getattr(mod, "FIX", "none"),
        options=dict(getattr(mod, "OPTIONS", {})),
        needs_context=getattr(mod, "NEEDS_CONTEXT", False),
        scope=getattr(mod, "SCOPE", "dockerfile"),
        check=mod.check,
        uses_context=getattr(mod, "USES_CONTEXT", False),
    )


_PY = re.compile(r"(^|/)(python[0-9.]*|pip[0-9.]*|gunicorn|uvicorn|hypercorn|flask|streamlit|gradio|jupyter|torchrun|celery|fastapi|mlflow|bentoml|pytest)$")


class Target:
    """One Dockerfile as the rules see it: the model, the stage being built, and facts.

    ``context`` is the build context (``context.BuildContext``) when a rule that needs it
    is selected, else None. Everything here is derived from data already read.
    """

    def __init__(self, dockerfile: Dockerfile, stage_name: str | None = None, context: object | None = None):
        self.dockerfile = dockerfile
        self.stage_name = stage_name
        self.context = context
        self._cache: dict = {}  # derived facts, computed once per file

    @property
    def final(self) -> Stage:
        return self.dockerfile.target(self.stage_name)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self.dockerfile.stages

    def commands(self, instr: Instruction) -> list[list[str]]:
        """Simple commands a RUN (or CMD/ENTRYPOINT/HEALTHCHECK) runs; cached per instruction."""
        key = id(instr)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = shell.commands(_healthcheck_command(instr))
        return cached

    def problem_at_word(self, instr: Instruction, command: int, word: int, message: str, **kw) -> Problem:
        """A problem at word ``word`` of ``self.commands(instr)[command]``, or at the instruction."""
        key = ("spans", id(instr))
        spans = self._cache.get(key)
        if spans is None:
            spans = self._cache[key] = word_spans(self.dockerfile, instr, self.commands(instr))
        span = spans[command][word] if command < len(spans) and word < len(spans[command]) else None
        if span is None:
            return Problem.at(instr, message, **kw)
        return Problem(span[0], span[1], message, end_line=span[2], end_column=span[3], **kw)

    def runs(self, stage: Stage | None = None):
        """(RUN instruction, command words) pairs, for one stage or all."""
        stages = [stage] if stage is not None else self.dockerfile.stages
        for s in stages:
            for instr in s.instructions:
                if instr.keyword == "RUN":
                    for words in self.commands(instr):
                        yield instr, words

    def pip_installs(self, stages: list[Stage] | None = None):
        """Every ``pip install`` command (``PipInstall``) in ``stages`` (default: all)."""
        for stage in stages if stages is not None else self.dockerfile.stages:
            for instr in stage.instructions:
                if instr.keyword != "RUN":
                    continue
                for ci, words in enumerate(self.commands(instr)):
                    args = shell.pip_install_args(words)
                    if args is None:
                        continue
                    opts, reqs = shell.pip_options(args)
                    offset, k, found = len(words) - len(args), 0, []
                    for r in reqs:
                        k = args.index(r, k) + 1
                        found.append((offset + k - 1, r))
                    yield PipInstall(stage, instr, ci, words, opts, found)

    def built_stages(self) -> list[Stage]:
        """Stages that end up in the target image or feed it (COPY --from, FROM parent)."""
        df = self.dockerfile
        final = self.final
        needed = {final.index}
        todo = [final]
        while todo:
            s = todo.pop()
            refs = [s.parent] if s.parent is not None else []
            for i in s.instructions:
                ref = source_stage(df, i)
                if ref is not None:
                    refs.append(ref.index)
            for r in refs:
                if r not in needed:
                    needed.add(r)
                    todo.append(df.stages[r])
        return [s for s in df.stages if s.index in needed]

    def image_stages(self, stage: Stage | None = None) -> list[Stage]:
        """Stages whose files are in the image of ``stage`` (default: the final stage), in file
        order: the stage, the stages it is built FROM and, with theirs, every stage one of them
        copies whole (``COPY --from=build / /``, the way images are flattened); cached."""
        stage = stage or self.final
        key = ("image_stages", stage.index)
        cached = self._cache.get(key)
        if cached is None:
            df = self.dockerfile
            found: dict[int, Stage] = {}
            todo = [stage]
            while todo:
                for s in df.lineage(todo.pop()):
                    if s.index in found:
                        continue
                    found[s.index] = s
                    for i in s.instructions:
                        ref = source_stage(df, i) if i.keyword == "COPY" and i.value[:-1] == ("/",) else None
                        if ref is not None and ref.index < s.index:
                            todo.append(ref)
            cached = self._cache[key] = [found[k] for k in sorted(found)]
        return cached

    # -- runtime facts of the stage being built ------------------------------------

    def effective(self, stage: Stage | None = None) -> list[Instruction]:
        """Instructions that shape ``stage`` (default: the final stage), parents first; cached."""
        stage = stage or self.final
        key = ("effective", stage.index)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self.dockerfile.effective_instructions(stage)
        return cached

    def position(self, instr: Instruction, stage: Stage | None = None) -> int:
        """Index of ``instr`` in ``effective(stage)``; its length when the stage does not run it."""
        stage = stage or self.final
        key = ("position", stage.index)
        index = self._cache.get(key)
        if index is None:
            index = self._cache[key] = {id(i): k for k, i in enumerate(self.effective(stage))}
        return index.get(id(instr), len(index))

    def last(self, keyword: str, stage: Stage | None = None) -> Instruction | None:
        found = None
        for i in self.effective(stage):
            if i.keyword == keyword:
                found = i
        return found

    def env(self, stage: Stage | None = None, before: Instruction | None = None) -> dict[str, tuple[str, Instruction]]:
        """Variables set by ENV (and ARG defaults) in the stage and its parents: name -> (value, instr).

        With ``before``, only what is set ahead of that instruction.
        """
        stage = stage or self.final
        key = ("env", stage.index)
        steps = self._cache.get(key)
        if steps is None:  # (positions of the ENVs, the variables after each)
            steps = self._cache[key] = ([], [])
            out: dict[str, tuple[str, Instruction]] = {}
            for pos, i in enumerate(self.effective(stage)):
                if i.keyword == "ENV":
                    out = dict(out)
                    for k in range(0, len(i.value) - 1, 2):
                        out[i.value[k]] = (dequote(i.value[k + 1]), i)
                    steps[0].append(pos)
                    steps[1].append(out)
        end = self.position(before, stage) if before is not None else len(self.effective(stage))
        k = bisect_left(steps[0], end)
        return dict(steps[1][k - 1]) if k else {}

    def entrypoint_words(self, stage: Stage | None = None) -> list[str]:
        """What the container runs: ENTRYPOINT followed by CMD, as words."""
        words: list[str] = []
        for kw in ("ENTRYPOINT", "CMD"):
            instr = self.last(kw, stage)
            if instr is None:
                continue
            if kw == "CMD":
                ep = self.last("ENTRYPOINT", stage)
                if ep is not None and ep.line > instr.line and ep.stage == instr.stage:
                    # an ENTRYPOINT after the CMD resets it
                    continue
            if instr.exec_form:
                words.extend(instr.value)
            else:
                words.extend(w for c in self.commands(instr) for w in c)
        return words

    def runs_python(self, stage: Stage | None = None) -> bool:
        words = self.entrypoint_words(stage)
        if any(_PY.search(w) for w in words[:3]):
            return True
        base = self.dockerfile.root_base(stage or self.final).lower()
        return any(p in base for p in ("python", "pytorch", "tensorflow", "conda", "jupyter", "huggingface"))


def _healthcheck_command(instr: Instruction) -> Instruction:
    """HEALTHCHECK CMD ... as the instruction its command would be."""
    if instr.keyword != "HEALTHCHECK" or not instr.value or instr.value[0].upper() != "CMD":
        return instr
    value = instr.value[1:]
    rest = value[0] if value and not instr.exec_form else ""
    return Instruction("CMD", (), value, rest, instr.exec_form, instr.line, instr.end_line, instr.column, instr.end_column, instr.start, instr.end, (), instr.stage)


def dequote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def locate(df: Dockerfile, instr: Instruction, needle: str) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of ``needle`` inside an instruction's source, or the instruction."""
    src = df.text[instr.start : instr.end]
    k = src.find(needle) if needle else -1
    if k < 0:
        return instr.line, instr.column, instr.end_line, instr.end_column
    return _span(instr, src, k, len(needle))


def _span(instr: Instruction, src: str, k: int, length: int) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of ``src[k : k + length]``, ``src`` being the instruction's source."""
    before = src[:k]
    line = instr.line + before.count("\n")
    nl = before.rfind("\n")
    column = (instr.column + k) if nl < 0 else (k - nl)
    return line, column, line, column + length


_EDGE = frozenset(" \t\r\n\"'[],;&|()`\\")


def word_spans(df: Dockerfile, instr: Instruction, cmds: list[list[str]]) -> list[list[tuple[int, int, int, int] | None]]:
    """Where each word of ``cmds`` (``Target.commands(instr)``) is in the source, searched in order.

    A word is matched whole (not inside a longer word); None where it is not written
    verbatim (quotes or escapes inside it). The search does not move past a word that
    holds whitespace (a ``sh -c`` script), so the commands inside it are found next.
    """
    src = df.text[instr.start : instr.end]
    n = len(src)
    pos = 0
    out = []
    for words in cmds:
        spans = []
        for w in words:
            k = src.find(w, pos) if w else -1
            while k >= 0 and ((k > 0 and src[k - 1] not in _EDGE) or (k + len(w) < n and src[k + len(w)] not in _EDGE)):
                k = src.find(w, k + 1)
            if k < 0:
                spans.append(None)
                continue
            spans.append(_span(instr, src, k, len(w)))
            pos = k if any(c.isspace() for c in w) else k + len(w)
        out.append(spans)
    return out


def mount_targets(instr: Instruction, types: tuple[str, ...] = ("cache",)) -> list[str]:
    """Targets of a RUN's ``--mount`` flags of the given types (a mount's type defaults to bind)."""
    found = []
    for spec in instr.flag_values("mount"):
        fields = dict(part.partition("=")[::2] for part in spec.split(","))
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if fields.get("type", "bind") in types and target:
            found.append(target)
    return found


# -- what a COPY or ADD brings in -----------------------------------------------------

_MODEL_DIRS = frozenset(("models", "checkpoints", "weights"))
_MODEL_EXT = frozenset(".pt .pth .ckpt .safetensors .onnx .h5 .keras .joblib .pkl .pickle .gguf .tflite".split())
_NOT_CODE_DIRS = _MODEL_DIRS | frozenset(("requirements", "data", "datasets", "wheels", "dist", "vendor", "assets", "static", "docs"))
_MANIFEST = re.compile(
    r"(requirements|constraints)[\w.-]*\.(txt|in)|pyproject\.toml|setup\.(py|cfg)|[\w.-]*\.lock|Pipfile"
    r"|(environment|conda)[\w.-]*\.ya?ml|README[\w.]*|LICEN[CS]E[\w.]*|Makefile[\w.-]*",
    re.I,
)
_CODE_EXT = frozenset((".py", ".pyx", ".ipynb"))


def copy_sources(instr: Instruction) -> list[str]:
    """Source paths of a COPY or ADD from the build context (not ``--from``, URLs or heredocs)."""
    if instr.keyword not in ("COPY", "ADD") or instr.heredocs or instr.flag("from") is not None:
        return []
    return [s for s in instr.value[:-1] if not s.startswith("<<") and "://" not in s and not s.startswith("git@")]


def _parts(src: str) -> list[str]:
    return [p for p in src.replace("\\", "/").split("/") if p not in ("", ".")]


@lru_cache(maxsize=1 << 12)
def requirement(word: str):
    """``packaging.requirements.Requirement`` for a requirement word, or None when it is not one."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(word)
    except InvalidRequirement:
        return None


@lru_cache(maxsize=1 << 16)
def is_model_path(src: str) -> bool:
    """A model artifact: a weights file (``*.pt``, ``*.joblib``, ...) or a ``models/``-like directory."""
    parts = _parts(src)
    if not parts:
        return False
    last = parts[-1].lower()
    if any(last.endswith(ext) for ext in _CODE_EXT):
        return False  # a module of a Python package named `models`
    if any(p.lower() in _MODEL_DIRS for p in parts):
        return True
    return any(last.endswith(ext) for ext in _MODEL_EXT)


@lru_cache(maxsize=1 << 16)
def is_code_path(src: str) -> bool:
    """Application code: the whole context (``.``, ``*``), Python files, or a source directory."""
    parts = _parts(src)
    if not parts or parts == ["*"]:
        return True
    if is_model_path(src):
        return False
    last = parts[-1]
    if _MANIFEST.fullmatch(last) or any(p.lower() in _NOT_CODE_DIRS for p in parts):
        return False
    if any(last.endswith(ext) for ext in _CODE_EXT):
        return True
    # a directory: written with a trailing slash, or a name without an extension
    return src.endswith("/") or "." not in last


def problem_at(df: Dockerfile, instr: Instruction, needle: str, message: str, **kw) -> Problem:
    line, col, end_line, end_col = locate(df, instr, needle)
    return Problem(line, col, message, end_line=end_line, end_column=end_col, **kw)


# -- GPU and CUDA -------------------------------------------------------------------

_ARG_REF = re.compile(r"\$\{(\w+)(:?-)?[^}]*\}|\$(\w+)")
_CUDA = re.compile(r"(?<![a-z0-9])cu(?:da)?(\d{2,3})(?:\.(\d+))?(?![0-9])")
_GPU_REPOS = ("nvidia/", "nvcr.io/", "rapidsai/", "vllm/vllm-openai", "ghcr.io/huggingface/text-generation-inference")


def source_stage(df: Dockerfile, instr: Instruction) -> Stage | None:
    """The stage an instruction's ``--from`` names (by name or index), or None (an image, or no flag)."""
    src = instr.flag("from")
    if src is None:
        return None
    ref = df.stage_named(src)
    if ref is None and src.isdigit() and int(src) < len(df.stages):
        ref = df.stages[int(src)]
    return ref


def known_root_base(df: Dockerfile, stage: Stage) -> str | None:
    """The external base image ``stage`` rests on, or None while it depends on an ARG with no value."""
    from mldocklint.syntax.dockerfile import _BUILTIN_ARGS

    root = df.lineage(stage)[0]
    for m in _ARG_REF.finditer(root.base_raw):
        name = m.group(1) or m.group(3)
        if df.global_args.get(name) is None and name not in _BUILTIN_ARGS and not m.group(2):
            return None
    return root.base or None


def cuda_version(text: str) -> tuple[int, int | None] | None:
    """CUDA (major, minor) named in a tag, wheel, index URL or package name: ``cu121`` -> (12, 1),
    ``cuda12.1`` -> (12, 1), ``cu12`` / ``cuda12x`` -> (12, None); None when there is none."""
    m = _CUDA.search(text.lower())
    if m is None:
        return None
    digits, minor = m.group(1), m.group(2)
    if minor is not None:
        return int(digits), int(minor)
    return (int(digits[:2]), int(digits[2])) if len(digits) == 3 else (int(digits), None)


def image_parts(image: str) -> tuple[str, str]:
    """(repository without docker.io/ and library/, tag) of an image reference, lower case."""
    ref = image.lower().split("@", 1)[0]
    repo, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
    for prefix in ("docker.io/", "index.docker.io/", "library/"):
        repo = repo.removeprefix(prefix)
    return repo, tag


def is_gpu_image(image: str) -> bool:
    """A CUDA / GPU image: nvidia/cuda, NGC (nvcr.io), RAPIDS, vLLM, TGI, or `cuda`/`gpu`/`cuNNN` in the name."""
    repo, tag = image_parts(image)
    ref = repo + ":" + tag
    return "cuda" in ref or "gpu" in ref or repo.startswith(_GPU_REPOS) or cuda_version(tag) is not None


def image_cuda_version(image: str) -> tuple[int, int | None] | None:
    """CUDA version of a GPU image when its tag says it: ``nvidia/cuda:12.4.1-...`` -> (12, 4),
    ``pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime`` -> (12, 1)."""
    repo, tag = image_parts(image)
    if repo == "cuda" or repo.endswith("/cuda"):
        m = re.match(r"(\d+)\.(\d+)", tag)
        return (int(m.group(1)), int(m.group(2))) if m else None
    return cuda_version(tag)


class PipInstall(NamedTuple):
    """One ``pip install`` command of a RUN (see ``Target.pip_installs``)."""

    stage: Stage
    instr: Instruction
    command: int  # index into Target.commands(instr)
    words: list[str]
    options: dict[str, list[str]]
    requirements: list[tuple[int, str]]  # (word index, requirement word)

    def indexes(self) -> list[tuple[int, str]]:
        """(word index, URL) of the package indexes and find-links locations given on the command."""
        found = []
        for k, w in enumerate(self.words):
            name, eq, val = w.partition("=")
            if name in ("-i", "--index-url", "--extra-index-url", "-f", "--find-links"):
                if eq:
                    found.append((k, val))
                elif k + 1 < len(self.words):
                    found.append((k + 1, self.words[k + 1]))
        return found


# apt / conda packages that put the CUDA runtime into an image
_CUDA_RUNTIME_PACKAGES = re.compile(r"(cuda-(runtime|toolkit|libraries|cudart)|cudatoolkit|pytorch-cuda|cuda-version|libcudnn\d*|nvidia-cuda-toolkit)\b")


def final_has_cuda(target: Target, stage: Stage | None = None) -> bool | None:
    """Whether the image being built has CUDA: a GPU base image, or CUDA installed with
    apt/conda, in the stages whose files make the image (``Target.image_stages``: the
    final stage, its parents and the stages it copies whole). None when the final stage's
    base image depends on an ARG with no value."""
    df = target.dockerfile
    stage = stage or target.final
    if known_root_base(df, stage) is None:
        return None
    for s in target.image_stages(stage):
        if s.parent is None and is_gpu_image(known_root_base(df, s) or ""):
            return True
        for _, words in target.runs(s):
            found = shell.package_command(words)
            if found and found[1] == "install" and any(_CUDA_RUNTIME_PACKAGES.match(p.lower()) for _, p in found[2]):
                return True
    return False
