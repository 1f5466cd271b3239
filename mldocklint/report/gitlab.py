"""``--format gitlab``: GitLab Code Quality JSON (a CodeClimate subset) for ``artifacts:reports:codequality``."""

from __future__ import annotations

import json

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def document(result) -> list[dict]:
    from mldocklint.report import repo_path, repo_root

    root = repo_root()
    return [
        {
            "type": "issue",
            "check_name": f"{f.rule} {f.slug}",
            "description": f.message,
            "categories": ["Style"] if f.severity == "info" else ["Bug Risk"],
            "fingerprint": f.fingerprint,
            "severity": SEVERITY[f.severity],
            "location": {"path": repo_path(f.path, root) or f.path, "lines": {"begin": f.line, "end": f.end_line}},
        }
        for f in result.open_findings()
    ]


def render(result, out, ctx) -> None:
    json.dump(document(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
