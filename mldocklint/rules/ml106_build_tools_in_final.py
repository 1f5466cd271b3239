r"""
## What it does
Flags compilers and build-only packages installed with a system or conda package
manager (`apt-get`/`apt`, `apk`, `yum`/`dnf`/`microdnf`, `conda`/`mamba`/`micromamba`)
in the stage being built, the stages it is built `FROM`, or a stage it copies whole
(`COPY --from=build / /`): `build-essential`,
`build-base`, `gcc`, `g++`, `gcc-c++`, `clang`, `gfortran`, `make`, `cmake`,
`ninja-build`, `autoconf`, `automake`, `libtool`, `pkg-config`, header packages
(`*-dev`, `*-devel`, `linux-headers`), the CUDA compiler (`cuda-toolkit*`, `cuda-nvcc*`,
`cuda-compiler*`), and conda's compiler packages (`gxx`, `gcc_linux-64`, `cxx-compiler`,
`compilers`, ...). One finding per `RUN`, spanning it, names the first few packages and
counts the rest.

It judges `serving` and `job` images only (a development, test or base image is meant to
carry its toolchain), and not an image that compiles code when it runs: one that installs
or configures DeepSpeed (its ops are JIT-built), vLLM, FlashInfer or Triton (kernels and
Triton's launcher are compiled on first use), that loads `torch.utils.cpp_extension`, or
whose `CMD`/`ENTRYPOINT` builds the sources it runs (`pip install -e .`, `setup.py
build`, `make`).

Not flagged: packages that the same `RUN` removes again (`apt-get purge`/`remove`,
`apk del`, `dnf remove`, `conda remove` naming them; `apk add --virtual .build-deps ...`
followed by `apk del .build-deps`; or `apt-mark auto` followed by
`apt-get purge --auto-remove`), and builder stages that the final image only copies
some paths from.

## Why is this bad?
A compiler toolchain is only needed to build wheels; at run time it is dead weight and
attack surface. On Debian 12, `apt-get install --no-install-recommends build-essential`
pulls about 80 packages and 330 MB installed (counted beyond Debian's required
packages); `python3-dev` and the usual `lib*-dev` packages add more. Removing
them in a later `RUN` does not help, because the earlier layer still carries them.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    && rm -rf /var/lib/apt/lists/*
USER 1000
CMD ["python", "train.py"]
```

## Use instead
```dockerfile
FROM python:3.11 AS builder
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
USER 1000
CMD ["python", "train.py"]
```

## When to ignore
Images that compile code at run time in a way this rule does not see (Triton, used by
`torch.compile`, builds a small C launcher on first use and needs a C compiler and the
Python headers). For a development or CI image whose role is not recognised, say so with
`# mldocklint: role=development` (or `test`).

## Fix
None: install the build tools in a builder stage and copy only the results (wheels, a
virtualenv, a `--prefix` directory) into the final stage, or purge them in the same `RUN`.

## Options
None.
"""

import re

from mldocklint import lazyre
from mldocklint.model import Problem
from mldocklint.syntax.shell import package_command, program

ID = "ML106"
SLUG = "build-tools-in-final"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "Compilers or build-only packages in the final image"
FIX = "none"
ROLES = ("serving", "job")
_SHOWN = 4  # packages named in a message; the rest are counted

_BUILD = lazyre.compile(
    r"build-essential|build-base|(gcc|g\+\+|clang|gfortran|cpp)(-\d+)?|gcc-c\+\+|make|cmake|ninja-build|autoconf|automake"
    r"|libtool|pkg-?config|linux-headers|.+-dev|.+-devel|cuda-(toolkit|nvcc|compiler)([-\d.]*)"
    r"|gxx|(gcc|gxx|gfortran)_linux-\w+|c-compiler|cxx-compiler|fortran-compiler|compilers"
)


def _name(word: str) -> str:
    """Package name without version, architecture or conda channel: ``conda-forge::gxx=12`` -> ``gxx``."""
    word = word.split("::")[-1]
    return re.split(r"[=<>~!:\s]", word, maxsplit=1)[0].lower()


def _virtual(words: list[str]) -> str | None:
    for k, w in enumerate(words):
        if w in ("-t", "--virtual") and k + 1 < len(words):
            return words[k + 1]
        if w.startswith("--virtual="):
            return w.split("=", 1)[1]
    return None


def _removed(cmds: list[list[str]]) -> tuple[set[str], bool]:
    """Names a RUN removes, and whether it purges every auto-marked package (``apt-mark auto`` + autoremove)."""
    names: set[str] = set()
    marked = purges_auto = False
    for words in cmds:
        if program(words[0]) == "apt-mark" and "auto" in words[1:]:
            marked = True
        found = package_command(words)
        if found and found[1] == "remove":
            names.update(_name(w) for _, w in found[2])
            purges_auto |= "autoremove" in words or "--auto-remove" in words
    return names, marked and purges_auto


def _listed(names: list[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def check(target, options):
    if target.compiles_at_runtime() is not None:
        return
    role = target.role.name
    for stage in target.image_stages():
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            cmds = target.commands(instr)
            removed, removes_all = None, False
            names: list[str] = []
            for words in cmds:
                found = package_command(words)
                if not found or found[1] != "install":
                    continue
                for _, word in found[2]:
                    name = _name(word)
                    if not _BUILD.fullmatch(name) or name in names:
                        continue
                    if removed is None:
                        removed, removes_all = _removed(cmds)
                    if removes_all or name in removed or (found[0] == "apk" and _virtual(words) in removed):
                        continue
                    names.append(name)
            if names:
                tools = "a build tool" if len(names) == 1 else f"{len(names)} build tools"
                yield Problem.at(
                    instr,
                    f"{_listed(names)}: {tools} left in the final image of this {role} image; install "
                    f"{'it' if len(names) == 1 else 'them'} in a builder stage and copy only the results, or remove "
                    f"{'it' if len(names) == 1 else 'them'} in the same RUN",
                    stage=stage.label,
                )
