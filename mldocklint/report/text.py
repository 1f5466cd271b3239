"""``--format text``: rich and grouped by file on a terminal, one plain line per finding when piped."""

from __future__ import annotations

import os

from mldocklint.report import printable


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
        out.write("".join(f"{printable(f.path)}:{f.line}:{f.column}: {f.rule} {f.slug} {printable(f.message)}\n" for f in findings))
    else:
        _render_rich(result, findings, out, ctx)
    if getattr(result, "image", None) is not None:  # `mldocklint image`: the layer table
        from mldocklint.report.image_table import lines

        out.write("\n".join(["", *lines(result.image)]) + "\n")


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
    console = Console(file=out, no_color=no_color, force_terminal=not no_color or None, highlight=False, soft_wrap=True, emoji=False)
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
        head.append(f"  {f.line}:{f.column} ", style="dim")
        head.append(f"{f.severity:<7} ", style=_STYLE[f.severity])
        head.append(f"{f.rule} ", style="bold")
        head.append(f"{f.slug}  ", style="magenta")
        head.append(printable(f.message))
        console.print(head)
        if lines is not None and 0 < f.line <= len(lines) and f.rule not in _REDACTED:
            src = printable(lines[f.line - 1].rstrip("\r\n").expandtabs(4))
            console.print(Text.assemble((f"      {f.line:>4} | ", "dim"), src[:200]))
            width = max(1, (f.end_column - f.column) if f.end_line == f.line else len(src) - f.column + 1)
            console.print(Text(" " * (13 + f.column - 1) + "^" * min(width, 80), style=_STYLE[f.severity]))
        rule = lookup(f.rule)
        if rule is not None:
            console.print(Text(f"      see {rule.url}", style="dim"))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    summary = f"{len(findings)} finding{'s' if len(findings) != 1 else ''} in {result.files} file{'s' if result.files != 1 else ''}"
    detail = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    console.print(Text(summary + (f" ({detail})" if detail else ""), style="bold" if findings else "bold green"))
