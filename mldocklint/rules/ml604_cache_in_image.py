"""
## What it does
Looks in the final file system of a built image for caches left behind: the pip cache
(`~/.cache/pip`), apt lists (`/var/lib/apt/lists`), conda's `pkgs/`, the Hugging Face and
torch hub caches (`~/.cache/huggingface`, `~/.cache/torch`), `__pycache__` directories of
the application (those under `lib/python*`, written by `pip install`, are left alone) and
`.git` directories. Each one over a size threshold is a finding, with its size; with
`--dockerfile` it points at the instruction that added most of its bytes.

## Why is this bad?
A `pip install torch` leaves about 2 GB of wheels in `~/.cache/pip`; apt lists weigh 20 to
50 MB; a model downloaded at build time into `~/.cache/huggingface` is baked into every
layer that copies it. None of it is used at run time.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install torch
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch
```

## When to ignore
Images that deliberately ship a pre-filled model cache (then say so with an inline
pragma on the instruction that downloads it).

## Fix
None: `pip install --no-cache-dir`, `rm -rf /var/lib/apt/lists/*` in the `apt-get` RUN,
`conda clean -afy`, a `--mount=type=cache` for build-time caches, and a `.dockerignore`
for `.git` and `__pycache__`.

## Options
- `min-mb` (default 1): report caches larger than this many MB (10^6 bytes).
"""

from mldocklint.units import human

ID = "ML604"
SLUG = "cache-in-image"
CATEGORY = "image"
SEVERITY = "warning"
SUMMARY = "A package or model cache is left in the image"
FIX = "none"
SCOPE = "image"
OPTIONS = {"min-mb": 1}

_HOW = {
    "pip cache": "use `pip install --no-cache-dir` or a cache mount",
    "apt lists": "add `&& rm -rf /var/lib/apt/lists/*` to the apt-get RUN",
    "conda pkgs": "add `&& conda clean -afy` to the conda RUN",
    "huggingface cache": "download models at run time or into a volume, or use a cache mount",
    "torch hub cache": "download models at run time or into a volume, or use a cache mount",
    "__pycache__": "exclude `__pycache__` in .dockerignore",
    ".git directory": "exclude `.git` in .dockerignore",
}


def check(target, options):
    for c in target.facts.caches:
        if c.size > options["min-mb"] * 1e6:
            yield target.at_layer(
                c.layer,
                f"{c.kind} left in the image: {c.path}, {human(c.size)} in {c.files} file{'s' if c.files != 1 else ''}; {_HOW[c.kind]}",
                key=c.path,
            )
