"""``--format json``: the contract other tools read."""

from __future__ import annotations

import json


def document(result, ctx) -> dict:
    doc = {
        "version": ctx.version,
        "findings": [f.as_dict() for f in result.open_findings()],
        "errors": [{"path": p, "message": m} for p, m in result.errors],
        "summary": summary(result.open_findings(), result.files),
    }
    if result.file_info:  # one entry per linted Dockerfile: what the linter understood of it
        doc["files"] = [result.file_info[k] for k in sorted(result.file_info)]
    if getattr(result, "image", None) is not None:  # `mldocklint image`: layers, waste, caches, config
        doc["image"] = result.image
    return doc


def summary(findings, files: int) -> dict:
    """``files``: Dockerfiles linted; ``files_with_findings``: files (of any kind) findings are in."""
    return {
        "files": files,
        "files_with_findings": len({f.path for f in findings}),
        "findings": len(findings),
        "fixable": {kind: sum(1 for f in findings if f.fixable == kind) for kind in ("safe", "unsafe")},
    }


def render(result, out, ctx) -> None:
    json.dump(document(result, ctx), out, indent=2, ensure_ascii=False)
    out.write("\n")
