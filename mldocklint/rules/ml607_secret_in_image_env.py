"""
## What it does
Flags environment variables in a built image's config whose name looks like a secret
(`*_TOKEN`, `*_PASSWORD`, `*_SECRET`, `*_API_KEY`, `*_ACCESS_KEY`, `*_PRIVATE_KEY`,
`*_CREDENTIALS`; the same names as ML309) and whose value is a literal. The value is never
printed. Names that point at a secret or describe it (`HF_TOKEN_PATH`, `*_FILE`, `*_DIR`,
`AWS_ACCESS_KEY_ID`), public keys (`GPG_KEY`), and values that are empty, a `$VARIABLE`, a
path or a switch (`true`) are left alone.

## Why is this bad?
Anyone who can pull the image can read its config with `docker inspect`: a token set with
`ENV` or baked in through a build `ARG` is published with every push, and stays in the
image history even if a later layer unsets it.

## Example
```dockerfile
FROM python:3.11-slim
ENV HF_TOKEN=hf_abcdefghijklmnop
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
CMD ["python", "app.py"]
```

## When to ignore
Dummy values in test images (prefer empty values there too).

## Fix
None: pass secrets at run time (`docker run -e`, Kubernetes secrets) or at build time with
`RUN --mount=type=secret`; rotate any secret that was pushed.

## Options
None.
"""

from mldocklint.knowledge.secret_names import is_pointer_value, is_secret_name

ID = "ML607"
SLUG = "secret-in-image-env"
CATEGORY = "image"
SEVERITY = "error"
SUMMARY = "A secret-like environment variable with a literal value in the image config"
FIX = "none"
SCOPE = "image"

def check(target, options):
    for name, value in target.facts.env:
        if is_secret_name(name) and value.strip() and not value.startswith("$") and not is_pointer_value(value):
            yield target.at_keyword(
                "ENV",
                f"`{name}` holds a literal value in the image config, readable by anyone who can pull the image; "
                "pass it at run time or use a build secret",
                needle=name,
                key=name,
            )
