"""
## What it does
Flags a final image whose root base (the stage being built, or the stage it is built
`FROM`, after `ARG` substitution and `--build-arg`) is a CUDA development image: a GPU
image whose tag has a `devel` part, such as `nvidia/cuda:12.1.1-devel-ubuntu22.04`,
`nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04` or
`pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel`. Builder stages that are only copied from
are not flagged: that is where `-devel` belongs. A builder stage whose whole file system
the final stage copies (`COPY --from=builder / /`) is flagged too: its files are the
image. The finding points at the image name in the `FROM`, names the role it judged and
offers the `-runtime` tag only where the image's family publishes one (`nvidia/cuda`,
`pytorch/pytorch`: see `mldocklint/knowledge/accelerators.py`).

It judges `serving` and `job` images only (a development image is where a compiler
belongs), and not an image that compiles code when it runs: DeepSpeed ops, vLLM,
FlashInfer or Triton kernels, `torch.utils.cpp_extension` loads, or a start command that
builds the sources it runs.

## Why is this bad?
NVIDIA's images come in three flavours: `base` (the CUDA runtime library only),
`runtime` (all CUDA shared libraries) and `devel` (runtime plus the compiler `nvcc`,
headers, static libraries and debugging tools). The `devel` layers add several
gigabytes (typically 2 to 4 GB over the matching `runtime` image); one team that moved
its GPU image from `devel` to `runtime` went from 6.42 GB to 3.87 GB. A compiler
toolchain in a production image is also more attack surface and more CVEs to triage.

## Example
```dockerfile
FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 1000
CMD ["python3", "train.py"]
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS builder
RUN pip wheel --no-cache-dir --wheel-dir /wheels flash-attn==2.5.8

FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=builder /wheels /wheels
USER 1000
CMD ["python3", "train.py"]
```

## When to ignore
Images that compile CUDA code at run time in a way this rule does not see need `nvcc` in the
running container; say so with `# mldocklint: role=development` or a suppression.

## Fix
None: compile in a builder stage `FROM` the `-devel` image and base the final stage on
the `-runtime` image of the same CUDA version.

## Options
None.
"""

import re

from mldocklint.knowledge.accelerators import is_gpu_image, runtime_tag
from mldocklint.syntax.image_ref import image_parts
from mldocklint.target import known_root_base, problem_at

ID = "ML403"
SLUG = "devel-image-in-final-stage"
CATEGORY = "gpu"
SEVERITY = "warning"
SUMMARY = "CUDA -devel image in the final stage"
FIX = "none"
ROLES = ("serving", "job")


def check(target, options):
    if target.compiles_at_runtime() is not None:
        return
    df = target.dockerfile
    final = target.final
    role = target.role.name
    own = {s.index for s in df.lineage(final)}
    for root in target.image_stages():
        base = known_root_base(df, root) if root.parent is None else None
        if base is None or not is_gpu_image(base):
            continue
        repo, tag = image_parts(base)
        if "devel" not in re.split(r"[-_.]", tag):
            continue
        runtime = runtime_tag(base)
        instead = f"run FROM `{runtime}`" if runtime else "run FROM a CUDA runtime image of the same version"
        if root.index in own:
            message = (
                f"this {role} image is based on the CUDA development image `{base}`, gigabytes of compilers and headers "
                f"it does not need when it runs; compile in a builder stage and {instead}"
            )
        else:
            message = (
                f"this {role} image copies the whole file system of stage {root.label}, the CUDA development image "
                f"`{base}` with gigabytes of compilers and headers it does not need when it runs; copy only what it built"
            )
        yield problem_at(df, root.from_instruction, root.base_raw, message, stage=final.label)
