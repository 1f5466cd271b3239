"""
## What it does
Flags compilers (`gcc`, `g++`, `cc`, `clang`, `gfortran`), `nvcc`, CUDA headers
(`/usr/local/cuda*/include`) and static libraries (`*.a`, over a size threshold) in the
final file system of a built image whose command serves (starts a server, or the image
exposes a port).

## Why is this bad?
A CUDA `-devel` image is 3 to 5 GB larger than the matching `-runtime` image, almost all
of it headers, static libraries and `nvcc`; `build-essential` adds about 250 MB. A serving
image never compiles, and a compiler in a compromised container helps the attacker.

## Example
```dockerfile
FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
COPY serve.py /app/
EXPOSE 8000
CMD ["python3", "/app/serve.py"]
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS build
RUN pip wheel --wheel-dir /wheels flash-attn
FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
COPY --from=build /wheels /wheels
COPY serve.py /app/
EXPOSE 8000
CMD ["python3", "/app/serve.py"]
```

## When to ignore
Images that compile at run time on purpose (JIT-compiled CUDA kernels with `nvcc`, for
instance Triton or DeepSpeed ops built on first use).

## Fix
None: build in a separate stage and copy only the results into a `-runtime` or slim base.

## Options
- `static-min-mb` (default 1): report static libraries only when they add up to more than
  this many MB (10^6 bytes).
"""

from mldocklint.units import human

ID = "ML608"
SLUG = "toolchain-in-image"
CATEGORY = "image"
SEVERITY = "warning"
SUMMARY = "Compilers or CUDA development files in a serving image"
FIX = "none"
SCOPE = "image"
OPTIONS = {"static-min-mb": 1}


def check(target, options):
    found = [t for t in target.facts.toolchain if t.kind != "static libraries" or t.size > options["static-min-mb"] * 1e6]
    if not found or not target.serves():
        return
    main = max(found, key=lambda t: (t.size, t.path))
    listed = ", ".join(
        f"{t.files} {t.kind} ({human(t.size)})" if t.kind == "static libraries" else f"{t.path} ({human(t.size)})" for t in found[:4]
    )
    more = f" and {len(found) - 4} more" if len(found) > 4 else ""
    yield target.at_layer(
        main.layer,
        f"build tools in a serving image: {listed}{more}; build in another stage and copy only the results",
    )
