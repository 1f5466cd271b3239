"""Image references: ``registry/namespace/name:tag@digest``."""

from __future__ import annotations


def image_parts(image: str) -> tuple[str, str]:
    """(repository without docker.io/ and library/, tag) of an image reference, lower case."""
    ref = image.lower().split("@", 1)[0]
    repo, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
    for prefix in ("docker.io/", "index.docker.io/", "library/"):
        repo = repo.removeprefix(prefix)
    return repo, tag
