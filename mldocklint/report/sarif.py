"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Every rule that fired gets a descriptor built from its documentation; locations are
relative to the repository root (``%SRCROOT%``); ``partialFingerprints`` carry the
finding's line-independent fingerprint; suppressed findings are kept with a
``suppressions`` entry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from mldocklint import DOCS_URL

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "mldocklint/v1"


def section(doc: str, title: str) -> str:
    """The text of one ``## title`` section of a rule's documentation."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return " ".join(m.group(1).split()) if m else ""


def descriptor(rule) -> dict:
    tags = [rule.category]
    if rule.id in ("ML302", "ML309", "ML310", "ML311", "ML605", "ML607"):
        tags.append("security")
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": section(rule.doc, "What it does") or rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": tags},
    }


def artifact(path: str, root: str) -> dict:
    from mldocklint.report import repo_path

    rel = repo_path(path, root)
    if rel is not None:
        return {"uri": quote(rel), "uriBaseId": "%SRCROOT%"}
    if path == "-":
        return {"uri": "stdin"}
    return {"uri": Path(path).resolve().as_uri()}


def result_of(f, index: int, root: str) -> dict:
    out = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact(f.path, root),
                    "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: f.fingerprint},
    }
    if f.stage is not None:
        out["properties"] = {"stage": f.stage}
    if f.suppressed is not None:
        entry = {"kind": "inSource", "status": "accepted"}
        if f.suppressed:
            entry["justification"] = f.suppressed
        out["suppressions"] = [entry]
    return out


def document(result, ctx, root: str | None = None) -> dict:
    from mldocklint.report import repo_root
    from mldocklint.rules import lookup

    root = root or repo_root()
    rules = {rid: lookup(rid) for rid in {f.rule for f in result.findings}}
    fired = sorted(rid for rid, rule in rules.items() if rule is not None)
    index = {rid: k for k, rid in enumerate(fired)}
    notes = [
        {"level": "error", "message": {"text": message}, "locations": [{"physicalLocation": {"artifactLocation": artifact(path, root)}}]}
        for path, message in result.errors
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mldocklint",
                        "version": ctx.version,
                        "semanticVersion": ctx.version,
                        "informationUri": DOCS_URL.rsplit("/blob/", 1)[0],
                        "rules": [descriptor(rules[rid]) for rid in fired],
                    }
                },
                "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notes}],
                "columnKind": "unicodeCodePoints",
                "results": [result_of(f, index[f.rule], root) for f in result.findings if f.rule in index],
                **({"properties": {"image": result.image}} if getattr(result, "image", None) is not None else {}),
            }
        ],
    }


def render(result, out, ctx) -> None:
    json.dump(document(result, ctx), out, indent=2, ensure_ascii=False, sort_keys=False)
    out.write("\n")
