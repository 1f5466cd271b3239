"""What the GPU rules (ML401-ML404) share: the accelerator stacks the image being built has,
and where each comes from (``knowledge.accelerators`` holds the facts)."""

from __future__ import annotations

import re
from bisect import bisect_left

from mldocklint import lazyre
from mldocklint.knowledge import accelerators as acc
from mldocklint.model import Instruction, Stage
from mldocklint.records import NamedTuple
from mldocklint.syntax import shell
from mldocklint.syntax.requirements import canonical, requirement
from mldocklint.target import Target, known_root_base

_VAR = lazyre.compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


class Stack(NamedTuple):
    name: str  # "cuda", "rocm", "ascend", "intel", "neuron"
    how: str  # "base" (the base image), "setup" (installed by the Dockerfile), "wheels" (Python packages)
    evidence: str
    instr: Instruction | None = None


def variables(target: Target, stage: Stage, instr: Instruction) -> dict[str, str]:
    """ARG defaults and ENV values set before ``instr`` in ``stage`` and its parents; an ARG
    without a default is ``$NAME`` (its value is only known at build time). The values after
    each ARG and ENV of a stage are worked out once, so a long file costs no more per lookup."""
    positions, values = target.memo(("variables", stage.index), _variable_table, stage)
    k = bisect_left(positions, target.position(instr, stage))  # the last ARG or ENV before instr
    return dict(values[k])


def _variable_table(target: Target, stage: Stage) -> tuple[list[int], list[dict[str, str]]]:
    """(positions in ``effective(stage)`` of its ARGs and ENVs, the values before the start and
    after each of them): ``values[k]`` holds for the instructions after the k-th."""
    out = {k: v for k, v in target.dockerfile.global_args.items() if v is not None}
    positions, values = [], [dict(out)]
    for at, i in enumerate(target.effective(stage)):
        if i.keyword not in ("ARG", "ENV"):
            continue
        if i.keyword == "ARG":
            for a in i.value:
                name, eq, default = a.partition("=")
                if eq:
                    out[name] = default.strip("'\"")
                else:
                    out.setdefault(name, "$" + name)
        else:
            for k in range(0, len(i.value) - 1, 2):
                out[i.value[k]] = i.value[k + 1].strip("'\"")
        positions.append(at)
        values.append(dict(out))
    return positions, values


def expand(word: str, values: dict[str, str]) -> str:
    """``word`` with ``$NAME``/``${NAME}``/``${NAME:-default}`` replaced by known values."""
    if "$" not in word:
        return word
    return _VAR.sub(lambda m: values.get(m.group(1) or m.group(3), m.group(2) if m.group(2) is not None else m.group(0)), word)


_ASSIGN = lazyre.compile(r"(?:^|\s)([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S*)")
_CONDITION = lazyre.compile(r"\b(if|case)\b[^\n]*(nvidia|cuda|gpu)", re.IGNORECASE)


def assignments(instr: Instruction) -> dict[str, str]:
    """``NAME=value`` words written in a RUN (``CMAKE_ARGS="-DGGML_CUDA=on" pip install ...``)."""
    return {m.group(1): m.group(2).strip("'\"") for m in _ASSIGN.finditer(instr.rest)}


def conditional(instr: Instruction) -> bool:
    """A RUN that tests for a GPU or CUDA before installing (``if [[ $BASE =~ nvidia ]]; then ...``):
    what it installs depends on how the image is built."""
    return _CONDITION.search(instr.rest + "".join(d.content for d in instr.heredocs)) is not None


def cpu_image(target: Target) -> bool:
    """The image being built rests on a base known to carry no accelerator stack."""
    base = known_root_base(target.dockerfile, target.final)
    return base is not None and acc.known_cpu_base(base)


def arm64(target: Target, stage: Stage | None = None) -> bool:
    """The image is built for arm64 (``FROM --platform=linux/arm64``), where PyPI's torch is a CPU build."""
    root = target.dockerfile.lineage(stage or target.final)[0]
    return any(a in (root.platform or "") for a in ("arm64", "aarch64"))


def _pip_stacks(target: Target, stages: list[Stage]):
    cpu_platform = arm64(target)
    for p in target.pip_installs(stages):
        cpu_index = any(acc.TORCH_CPU_INDEX.search(u) for _, u in p.indexes())
        for _, word in p.requirements:
            req = requirement(word)
            if req is None:
                continue
            name = canonical(req.name)
            if name in acc.OTHER_BACKENDS:
                yield Stack(acc.OTHER_BACKENDS[name], "wheels", f"`{word}`", p.instr)
            row = acc.python_cuda(name, frozenset(e.lower() for e in req.extras))
            if row is not None and row.cuda == "bundled" and not (name == "torch" and (cpu_index or cpu_platform or "+cpu" in word)):
                yield Stack("cuda", "wheels", f"`{word}` brings its CUDA libraries", p.instr)
        for _, url in p.indexes():
            if acc.TORCH_CPU_INDEX.search(url) and "rocm" in url:
                yield Stack("rocm", "wheels", f"`{url}`", p.instr)


def stacks(target: Target, stage: Stage | None = None) -> list[Stack] | None:
    """Accelerator stacks of the image ``stage`` (default: the one being built) makes: its base
    images, what the stages that ship set up (apt/yum/conda CUDA packages, names held in ENV/ARG
    included; ``/usr/local/cuda`` copied in; NVIDIA's runfile; ``CUDA_VERSION`` or
    ``NVIDIA_REQUIRE_CUDA`` set), and the Python packages that bring their own. None when the
    base image depends on an ARG with no value; cached."""
    stage = stage or target.final
    return target.memo(("stacks", stage.index), _stacks, stage)


def _stacks(target: Target, stage: Stage) -> list[Stack] | None:
    df = target.dockerfile
    if known_root_base(df, stage) is None:
        return None
    found: list[Stack] = []
    for s in target.image_stages(stage):
        base = known_root_base(df, s) if s.parent is None else None
        if base:
            name = acc.image_stack(base)
            if name is not None:
                found.append(Stack(name, "base", f"the base image `{base}`", s.from_instruction))
    for s in target.built_stages():  # CUDA set up in a stage the image copies from (a conda prefix) counts too
        for instr in s.instructions:
            if instr.keyword == "ENV" and any(n in acc.CUDA_ENV for n in instr.value[::2]):
                found.append(Stack("cuda", "setup", "`CUDA_VERSION`/`NVIDIA_REQUIRE_CUDA` set as NVIDIA's images do", instr))
            elif instr.keyword in ("COPY", "ADD") and any(acc.CUDA_PATH.match(v) for v in instr.value):
                found.append(Stack("cuda", "setup", "`/usr/local/cuda` copied in", instr))
            elif instr.keyword == "RUN":
                found += _setup(target, s, instr)
    found += _pip_stacks(target, target.built_stages())
    return found


def _setup(target: Target, stage: Stage, instr: Instruction) -> list[Stack]:
    values = None
    out = []
    for words in target.commands(instr):
        if any(acc.CUDA_RUNFILE.search(w) for w in words):
            out.append(Stack("cuda", "setup", "NVIDIA's CUDA runfile installer", instr))
            continue
        found = shell.package_command(words)
        if not found or found[1] != "install":
            continue
        pattern = acc.CONDA_CUDA_PACKAGES if found[0] in ("conda", "mamba", "micromamba") else acc.SYSTEM_CUDA_PACKAGES
        for _, word in found[2]:
            if "$" in word:
                values = values if values is not None else variables(target, stage, instr)
            for name in expand(word, values or {}).split():
                name = name.split("::")[-1].lower()
                if pattern.fullmatch(re.split(r"[=<>]", name, maxsplit=1)[0]) or pattern.fullmatch(name):
                    out.append(Stack("cuda", "setup", f"`{word}` installed with {found[0]}", instr))
                    break
    return out
