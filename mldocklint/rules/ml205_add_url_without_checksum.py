"""
## What it does
Flags an `ADD` of an `http://` or `https://` URL without `--checksum`. Git repositories
(`.git` URLs) and texts (`.txt`, `.md`, `.rst`, `.html`: licence and notice files) are not
judged.

## Why is this bad?
The file at a URL can change (a model re-uploaded under the same name, a release asset
replaced, a compromised mirror) and the build takes whatever it gets, with nothing in the
Dockerfile saying which bytes were meant. `ADD --checksum=sha256:...` makes BuildKit verify
the download and fail on any other content.

## Example
```dockerfile
FROM python:3.11-slim
ADD https://example.com/models/resnet50.onnx /models/
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ADD --checksum=sha256:24454f9beb6e1e47a25f5e4ab7b36a85b1f2d7e2c1a8c0c2c4e8e1b7d7f8a9b0 https://example.com/models/resnet50.onnx /models/
USER 1000
```

## When to ignore
A URL that names an immutable version and is served by a source you trust.

## Fix
None: add `--checksum=sha256:<digest of the file>` (`sha256sum` of a downloaded copy).

## Options
None.
"""

from mldocklint.rules._correctness import at_last_word
from mldocklint.target import dequote

ID = "ML205"
SLUG = "add-url-without-checksum"
CATEGORY = "dependencies"
SEVERITY = "warning"
SUMMARY = "ADD of a URL without --checksum"
FIX = "none"
TEXTS = (".txt", ".md", ".rst", ".html")


def check(target, options):
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword != "ADD" or instr.flag("checksum") is not None:
                continue
            for src in instr.value[:-1]:
                url = dequote(src)
                path = url.split("#")[0].split("?")[0]
                if url.startswith(("http://", "https://")) and not path.endswith(".git") and not path.lower().endswith(TEXTS):
                    yield at_last_word(target.dockerfile, instr, src,
                        f"ADD of `{url}` without --checksum takes whatever the server returns; add `--checksum=sha256:<digest>`",
                        stage=stage.label,
                    )
