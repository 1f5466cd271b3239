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
`compilers`, ...). Each package is reported at its word.

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
```

## When to ignore
Images that compile code at run time: Triton (used by `torch.compile` and vLLM) builds a
small C launcher on first use and needs a C compiler and the Python headers, and
JIT-built extensions need their toolchain; also development images.

## Fix
None: install the build tools in a builder stage and copy only the results (wheels, a
virtualenv, a `--prefix` directory) into the final stage, or purge them in the same `RUN`.

## Options
None.
"""

import re

from mldocklint.syntax.shell import package_command, program

ID = "ML106"
SLUG = "build-tools-in-final"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "Compilers or build-only packages in the final image"
FIX = "none"

_BUILD = re.compile(
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


def check(target, options):
    for stage in target.image_stages():
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            cmds = target.commands(instr)
            removed, removes_all = None, False
            for ci, words in enumerate(cmds):
                found = package_command(words)
                if not found or found[1] != "install":
                    continue
                for k, word in found[2]:
                    name = _name(word)
                    if not _BUILD.fullmatch(name):
                        continue
                    if removed is None:
                        removed, removes_all = _removed(cmds)
                    if removes_all or name in removed or (found[0] == "apk" and _virtual(words) in removed):
                        continue
                    yield target.problem_at_word(
                        instr,
                        ci,
                        k,
                        f"`{name}` is a build tool left in the final image; install it in a builder stage and copy "
                        "only the results, or remove it in the same RUN",
                        stage=stage.label,
                    )
