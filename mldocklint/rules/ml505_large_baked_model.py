"""
## What it does
Adds up the model files (`*.pt`, `*.safetensors`, `*.onnx`, `*.joblib`, ... and files under
`models/`, `checkpoints/` or `weights/`) that each `COPY`/`ADD` source brings into the
image from the build context, after `.dockerignore`, and flags a source over `max-gb`.

## Why is this bad?
Weights baked into an image make every push, pull and node cold start move them again,
and every retrain a full image rebuild and redeploy. Registries and serverless platforms
also cap image sizes (10 GB on several). Mounting the model (`docker run -v`) or
downloading it at start-up keeps the image small and the model versioned on its own.

## Example
```dockerfile
# models/ holds a 3 GB model.safetensors
FROM python:3.11-slim
COPY models/ /app/models/
```

```text
models/model.safetensors (3 GB)
```

## Use instead
```dockerfile
FROM python:3.11-slim
VOLUME /app/models
```

## When to ignore
Air-gapped deployments, or when one immutable image per model version is the goal.

## Fix
None: mount the model at run time or download it at start-up.

## Options
`max-gb` (default 1): the largest total size of model files, in GB, one source may copy.
"""

ID = "ML505"
SLUG = "large-baked-model"
CATEGORY = "context"
SEVERITY = "warning"
SUMMARY = "Large model files are copied into the image"
FIX = "none"
NEEDS_CONTEXT = True
OPTIONS = {"max-gb": 1}

from mldocklint.rules._context_common import at_word  # noqa: E402
from mldocklint.units import GB, human  # noqa: E402
from mldocklint.knowledge.files import is_model_path# noqa: E402
from mldocklint.target import copy_sources# noqa: E402


def check(target, options):
    from mldocklint.context import under

    ctx = target.context
    budget = float(options["max-gb"]) * GB
    sent = {p: n for p, n in ctx.sent().items() if is_model_path(p)}  # once: contexts can hold 100k files
    copied: dict[str, dict[str, int]] = {}  # model files by COPY source
    for stage in target.built_stages():
        for instr in stage.instructions:
            for src in copy_sources(instr):
                s = src.replace("\\", "/").strip("/").removeprefix("./")
                if s not in copied:
                    roots = ctx.glob(s) if any(c in s for c in "*?[") else [s]
                    copied[s] = {p: sent[p] for root in roots for p in under(sent, root)}
                models = copied[s]
                total = sum(models.values())
                if total > budget:
                    biggest = max(models, key=lambda p: (models[p], p))
                    yield at_word(
                        target.dockerfile, instr, src,
                        f"`{src}` bakes {human(total)} of model files into the image (largest {biggest}, {human(models[biggest])}); mount the model at run time or download it at start-up",
                        stage=stage.label, key=src,
                    )
