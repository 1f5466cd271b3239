"""
## What it does
Flags a `COPY` or `ADD` of model artifacts (`*.pt`, `*.pth`, `*.ckpt`, `*.safetensors`,
`*.onnx`, `*.h5`, `*.keras`, `*.joblib`, `*.pkl`, `*.gguf`, `*.tflite`, or a `models/`,
`checkpoints/` or `weights/` directory) that comes after a `COPY` of application code
(`COPY . .`, `src/`, `*.py`) in the same stage. Every stage is checked; a `COPY --from`
or an `ADD` of a
model URL counts too.

## Why is this bad?
Code changes many times a day, models change when they are retrained. With the model
below the code, every code edit rebuilds the model layer: the build copies the weights
again and the push uploads them again, hundreds of megabytes to gigabytes each time,
where the right order re-sends only the small code layer.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY src/ ./src/
COPY models/ ./models/
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY models/ ./models/
COPY src/ ./src/
USER 1000
```

## When to ignore
When the model is tiny (a few kilobytes), the order makes no measurable difference.

## Fix
None: move the model `COPY` above the code `COPY` (dependencies, then model, then code).

## Options
None.
"""

from mldocklint.model import Problem
from mldocklint.knowledge.files import is_code_path, is_model_path
from mldocklint.target import copy_sources

ID = "ML102"
SLUG = "model-after-code"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "Model artifacts are copied after the application code"
FIX = "none"


def check(target, options):
    for stage in target.stages:
        code = None
        for instr in stage.instructions:
            if instr.keyword not in ("COPY", "ADD"):
                continue
            sources = [] if instr.heredocs else instr.value[:-1]  # any origin: context, stage or URL
            if code is not None and any(is_model_path(s) for s in sources):
                yield Problem.at(
                    instr,
                    f"model files are copied after the application code (line {code.line}), so every code edit "
                    "re-copies and re-pushes the model layer; copy the model before the code",
                    stage=stage.label,
                )
            elif code is None and any(is_code_path(s) for s in copy_sources(instr)):
                code = instr
