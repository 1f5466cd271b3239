"""
## What it does
Adds up the uncompressed bytes of every layer of a built image (`mldocklint image`) and
flags the image when the total is over a budget. CUDA images (CUDA files under
`/usr/local/cuda*`, or `CUDA_VERSION` in the environment) get their own, larger budget.

## Why is this bad?
ML images average about 10 GB. Every gigabyte is pulled by every node that runs the image:
at 100 MB/s a 10 GB image takes close to two minutes before the first request is served,
which is what an autoscaler waits for on a cold start, and registries bill the storage.

## Example
```dockerfile
FROM python:3.11
RUN pip install torch
COPY . /app
CMD ["python", "/app/serve.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch --index-url https://download.pytorch.org/whl/cpu
COPY . /app
CMD ["python", "/app/serve.py"]
```

## When to ignore
Images that must carry large weights or toolkits and are cached on their nodes; raise the
budget in the configuration rather than ignoring the rule.

## Fix
None: use a slimmer base, CPU wheels for CPU images, multi-stage builds, and keep caches
and build tools out of the final stage.

## Options
- `max-gb` (default 2): budget in GB (10^9 bytes) for images without CUDA.
- `max-gb-cuda` (default 10): budget in GB for CUDA images.
"""

from mldocklint.units import human

ID = "ML601"
SLUG = "image-too-large"
CATEGORY = "image"
SEVERITY = "warning"
SUMMARY = "The image is over its size budget"
FIX = "none"
SCOPE = "image"
OPTIONS = {"max-gb": 2, "max-gb-cuda": 10}


def check(target, options):
    facts = target.facts
    budget = options["max-gb-cuda" if facts.cuda else "max-gb"]
    if facts.size > budget * 1e9:
        kind = "CUDA image" if facts.cuda else "image"
        yield target.at_image(
            f"the {kind} is {human(facts.size)} uncompressed, over its {budget} GB budget; "
            "see the layer table for where the bytes are"
        )
