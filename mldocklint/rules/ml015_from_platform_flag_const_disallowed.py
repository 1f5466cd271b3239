"""
## What it does
Flags `FROM --platform=linux/amd64` (a constant platform) in a stage whose name does not
mention the platform's OS or architecture. BuildKit's check FromPlatformFlagConstDisallowed,
hadolint's DL3029. Images published for that one architecture only (NVIDIA's Jetson L4T
images, AMD's ROCm images, ...: a table in `mldocklint/knowledge/platforms.py`) are not
reported: there the flag is the only way to build.

## Why is this bad?
The image is then built for that platform whatever `docker build --platform` asks for: an
arm64 build silently gets an amd64 image that runs under emulation, or not at all. PyTorch
and CUDA wheels differ by architecture, so the mismatch shows up late.

## Example
```dockerfile
FROM --platform=linux/amd64 python:3.11-slim
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
USER 1000
```

## When to ignore
An image that exists for one architecture only: name the stage after it
(`FROM --platform=linux/amd64 nvcr.io/nvidia/pytorch:24.05-py3 AS amd64-base`).

## Fix
None.

## Options
None.
"""

from mldocklint.knowledge.platforms import single_architecture
from mldocklint.target import problem_at

ID = "ML015"
SLUG = "from-platform-flag-const-disallowed"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "FROM --platform with a constant value"
FIX = "none"
ALIASES = ("FromPlatformFlagConstDisallowed", "DL3029")


def check(target, options):
    for stage in target.stages:
        platform = stage.platform
        if not platform or "$" in platform:
            continue
        parts = platform.lower().split("/")
        if len(parts) < 2 or not all(parts[:2]):
            continue  # not a platform: the build fails on it anyway
        name = stage.name or ""
        if parts[0] in name or parts[1] in name or single_architecture(stage.base) == parts[1]:
            continue
        yield problem_at(target.dockerfile, stage.from_instruction, platform, f"`--platform={platform}` pins the platform whatever the build asks for; remove it or use `$BUILDPLATFORM` for a builder stage", stage=stage.label)
