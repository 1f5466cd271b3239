"""
## What it does
Finds credential files in the layers of a built image: environment files (`.env`), private
keys, cloud credentials, `.netrc`, `.git-credentials`, tokens for PyPI, npm, Hugging Face
and Kaggle, service-account JSON keys and a Docker `config.json` with registry auths (the
same classes as ML506, from `mldocklint/knowledge/secret_files.py`). Every layer is checked,
so a file that a later layer deletes is found too. Where a name alone is not enough (a
`*.key` file, `.npmrc`, a JSON file), only the first bytes are read, to look for a key header
or a key name; values are never printed or stored. The message names the path and the layer,
and with `--dockerfile` points at the instruction that added the file.

## Why is this bad?
Anyone who can pull the image can read every layer: `docker save` and a tar extract give
back the file even when `RUN rm` deleted it later, since deleting only hides it in the layer
above. Keys copied into a build this way have leaked from public registries at scale.

## Example
```dockerfile
FROM python:3.11-slim
COPY .netrc /root/.netrc
RUN pip install -r requirements.txt && rm /root/.netrc
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN --mount=type=secret,id=netrc,target=/root/.netrc pip install -r requirements.txt
```

## When to ignore
Test images that carry throwaway keys on purpose, never pushed anywhere.

## Fix
None: rotate the credential (it has shipped), then pass it with a build secret
(`RUN --mount=type=secret`) or at run time, and exclude it from the build context.

## Options
None.
"""

ID = "ML609"
SLUG = "secret-file-in-image"
CATEGORY = "image"
SEVERITY = "error"
SUMMARY = "A credential file is stored in a layer of the image"
FIX = "none"
SCOPE = "image"


def check(target, options):
    for f in target.facts.secret_files:
        where = f"layer {f.layer}, deleted by a later layer but still shipped" if f.deleted else f"layer {f.layer}"
        yield target.at_layer(
            f.layer,
            f"{f.what} {f.path} in the image ({where}): anyone who can pull the image can read it; "
            "rotate it and pass it with a build secret or at run time",
        )
