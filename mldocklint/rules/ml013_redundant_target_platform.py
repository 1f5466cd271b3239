"""
## What it does
Flags `FROM --platform=$TARGETPLATFORM`. BuildKit's check RedundantTargetPlatform.

## Why is this bad?
The target platform is already the default for `FROM`; the flag adds nothing and reads as
if it changed something (it is `$BUILDPLATFORM` that cross-compiling builder stages want).

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM python:3.11-slim
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
USER 1000
```

## When to ignore
Never needed.

## Fix
None.

## Options
None.
"""

import re

from mldocklint.target import problem_at

ID = "ML013"
SLUG = "redundant-target-platform"
CATEGORY = "correctness"
SEVERITY = "info"
SUMMARY = "FROM --platform=$TARGETPLATFORM is the default"
FIX = "none"
ALIASES = ("RedundantTargetPlatform",)


def check(target, options):
    for stage in target.stages:
        platform = stage.platform or ""
        if re.fullmatch(r"\$(TARGETPLATFORM|\{TARGETPLATFORM\})", platform):
            yield problem_at(target.dockerfile, stage.from_instruction, platform, f"`--platform={platform}` is redundant: FROM builds for the target platform by default; remove it", stage=stage.label)
