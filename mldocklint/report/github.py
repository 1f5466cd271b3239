"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

Escaping follows the runner's rules: in the message ``%``, CR and LF are percent-encoded;
in property values ``:`` and ``,`` are too.
"""

from __future__ import annotations

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result, out, ctx) -> None:
    from mldocklint.report import is_image_finding, repo_path, repo_root

    root = repo_root()
    for f in result.open_findings():
        if is_image_finding(f, result):  # no file in the repository to annotate: the image is named in the title
            out.write(f"::{COMMAND[f.severity]} title={escape_property(f'{f.rule} {f.slug} (image {f.path})')}::{escape_data(f.message)}\n")
            continue
        props = {
            "file": repo_path(f.path, root) or f.path,
            "line": f.line,
            "col": f.column,
            "endLine": f.end_line,
            "endColumn": f.end_column,
            "title": f"{f.rule} {f.slug}",
        }
        head = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
        out.write(f"::{COMMAND[f.severity]} {head}::{escape_data(f.message)}\n")
    for path, message in result.errors:
        out.write(f"::error file={escape_property(repo_path(path, root) or path)},title=mldocklint::{escape_data(message)}\n")
