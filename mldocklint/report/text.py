"""``--format text``: rich and grouped by file on a terminal, one plain line per finding when piped."""

from __future__ import annotations

import os

from mldocklint.report import is_image_finding, printable


def use_rich(out, ctx) -> bool:
    if ctx.color is not None:
        return ctx.color
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def render(result, out, ctx) -> None:
    findings = result.open_findings()
    if not use_rich(out, ctx):
        out.write("".join(f"{location(f, result)}: {f.rule} {f.slug} {printable(f.message)}\n" for f in findings))
    else:
        _render_rich(result, findings, out, ctx)
    if getattr(result, "image", None) is not None:  # `mldocklint image`: the layer table
        from mldocklint.report.image_table import lines

        out.write("\n".join(["", *lines(result.image)]) + "\n")


def location(f, result) -> str:
    """``path:line:column``, or ``image REF`` for a finding about an image as a whole."""
    if is_image_finding(f, result):
        return f"image {printable(f.path)}"
    return f"{printable(f.path)}:{f.line}:{f.column}"


def _header(path: str, info: dict | None):
    """A file's heading: its path, then what the linter understood of it (its role, its build context)."""
    from rich.text import Text

    head = Text(printable(path), style="bold underline")
    if info and info.get("role") is not None:
        evidence = f" ({printable(info['role_evidence'])})" if info["role"] != "unknown" else ""
        head.append(f"  role {info['role']}{evidence}", style="dim")
    if info and info.get("context") is not None:
        head.append(f"  context {printable(info['context'])} ({printable(info['context_source'])})", style="dim")
    return head


_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


_REDACTED = frozenset(("ML309", "ML310", "ML311"))  # rules whose source line holds a secret: never quoted


def _render_rich(result, findings, out, ctx) -> None:
    from rich.console import Console
    from rich.text import Text

    from mldocklint.rules import lookup

    no_color = bool(os.environ.get("NO_COLOR"))
    # messages wrap at word boundaries; quoted source lines and carets are never wrapped
    console = Console(file=out, no_color=no_color, force_terminal=not no_color or None, highlight=False, emoji=False)
    sources = result.sources
    current = None
    lines: list[str] | None = None
    for f in findings:
        if f.path != current:
            current = f.path
            text = sources.get(f.path)
            lines = text.splitlines() if text is not None else None
            console.print(_header(f.path, result.file_info.get(f.path)))
        head = Text()
        head.append("  image " if is_image_finding(f, result) else f"  {f.line}:{f.column} ", style="dim")
        head.append(f"{f.severity:<7} ", style=_STYLE[f.severity])
        head.append(f"{f.rule} ", style="bold")
        head.append(f"{f.slug}  ", style="magenta")
        if f.fixable:
            head.append(_MARK[f.fixable], style="green")
        head.append(printable(f.message))
        for k, line in enumerate(head.wrap(console, max(20, console.width - 6))):  # at word boundaries, indented
            console.print(Text.assemble("      " if k else "", line.rstrip() or line), soft_wrap=True)
        if lines is not None and 0 < f.line <= len(lines) and f.rule not in _REDACTED:
            src = printable(lines[f.line - 1].rstrip("\r\n").expandtabs(4))
            console.print(Text.assemble((f"      {f.line:>4} | ", "dim"), src[:200]), soft_wrap=True)
            width = max(1, (f.end_column - f.column) if f.end_line == f.line else len(src) - f.column + 1)
            console.print(Text(" " * (13 + f.column - 1) + "^" * min(width, 80), style=_STYLE[f.severity]), soft_wrap=True)
        rule = lookup(f.rule)
        if rule is not None:
            if rule.fix != "none" and not f.fixable:
                why = getattr(f.fix, "skipped", "") or f"{rule.slug}'s fix leaves findings it cannot fix without changing what the build does"
                console.print(Text(f"      not fixed automatically: {why}", style="dim"))
            console.print(Text(f"      see {rule.url}", style="dim"), soft_wrap=True)
    for line in summary_lines(result, findings):
        console.print(Text(line, style="bold" if findings else "bold green"))


_MARK = {"safe": "[fix] ", "unsafe": "[unsafe fix] "}


def summary_lines(result, findings) -> list[str]:
    """"14 findings in 2 files (...); 5 Dockerfiles linted", then what ``--fix`` would fix."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    in_files = len({f.path for f in findings})
    detail = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    out = [
        f"{_plural(len(findings), 'finding')} in {_plural(in_files, 'file')}" + (f" ({detail})" if detail else "")
        + f"; {_plural(result.files, 'Dockerfile')} linted"
    ]
    safe = sum(1 for f in findings if f.fixable == "safe")
    unsafe = sum(1 for f in findings if f.fixable == "unsafe")
    if safe:
        out.append(f"{safe} fixable with `--fix`" + (f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""))
    elif unsafe:
        out.append(f"{unsafe} fixable with `--fix --unsafe-fixes`")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"
