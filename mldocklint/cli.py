"""Command line: ``mldocklint check`` (the default), ``rules``, ``explain``, ``image``.

Heavy modules (docker, rich, yaml) are imported inside the commands that need them.
"""

from __future__ import annotations

import sys

import click

from mldocklint import __version__

EXIT_USAGE = 2


class DefaultGroup(click.Group):
    """A group that runs ``check`` when the first argument is not a command."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


class PairedOutputs(click.Command):
    """``--output FILE`` belongs to the ``--format`` given just before it."""

    def parse_args(self, ctx, args):
        pairs: list[list] = []
        k = 0
        while k < len(args):
            a = args[k]
            if a == "--":
                break
            name, eq, val = a.partition("=")
            if name in ("--format", "-f", "--output", "-o"):
                if not eq:
                    val = args[k + 1] if k + 1 < len(args) else None
                if name in ("--format", "-f"):
                    pairs.append([val, None])
                elif pairs and pairs[-1][1] is None:
                    pairs[-1][1] = val
                else:
                    pairs.append([None, val])
            k += 1
        ctx.meta["outputs"] = pairs
        return super().parse_args(ctx, args)


def _fail(message: str) -> None:
    click.echo(f"mldocklint: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _build_args(values) -> dict[str, str]:
    out = {}
    for v in values:
        name, eq, val = v.partition("=")
        if not name:
            _fail(f"--build-arg expects NAME=VALUE, got {v!r}")
        if not eq:
            import os

            val = os.environ.get(name, "")
        out[name] = val
    return out


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mldocklint", message="%(prog)s %(version)s")
def main():
    """Lint Dockerfiles, build contexts and built images for ML best practices."""


_FORMATS = ("text", "json", "sarif", "github", "gitlab")


_COMMON_OPTIONS = (
    click.option("--select", multiple=True, help="Rules to run: ids (ML302), slugs (root-user) or prefixes (ML3)."),
    click.option("--ignore", multiple=True, help="Rules to skip: ids, slugs or prefixes."),
    click.option("--extend-select", multiple=True, help="Rules to run on top of the selection."),
    click.option("--failure-threshold", type=click.Choice(["error", "warning", "info", "none"]), default=None, help="Exit 1 when a finding is at or above this severity [default: warning]."),
    click.option("--format", "-f", "formats", multiple=True, type=click.Choice(_FORMATS), help="Output format; repeat with --output for several reports."),
    click.option("--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False), help="Write the preceding --format to FILE."),
    click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file (pyproject.toml or .mldocklint.yaml)."),
    click.option("--isolated", is_flag=True, help="Ignore configuration files."),
    click.option("--no-inline-suppressions", is_flag=True, help="Ignore '# mldocklint: ignore=' comments."),
    click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
)


def common_options(f):
    """The options ``check`` and ``image`` share: rule selection, reports, configuration."""
    for option in reversed(_COMMON_OPTIONS):
        f = option(f)
    return f


def _options(scope, select, ignore, extend_select, failure_threshold, config_file, isolated, no_inline_suppressions, debug, **_):
    """Options from the configuration file, then the command line; bad input exits 2."""
    from mldocklint.engine import Options
    from mldocklint.rules import UnknownRule, resolve

    for flag, values in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select)):
        try:
            resolve(values)
        except UnknownRule as e:
            _fail(f"{flag}: {e}")
    options = Options(debug=debug)
    try:
        if not isolated:
            from mldocklint import config

            config.apply(options, config.find(config_file))
        if select:
            options.select = list(select)
        options.ignore += list(ignore)
        options.extend_select += list(extend_select)
        options.enabled(scope)  # unknown rules are usage errors
    except (UnknownRule, ValueError) as e:  # config errors name the file and key
        _fail(str(e))
    options.failure_threshold = failure_threshold or options.failure_threshold
    options.inline_suppressions = options.inline_suppressions and not no_inline_suppressions
    return options


def _finish(ctx, result, options, stream=None):
    """Write the requested reports (default: text, or github under GitHub Actions) and exit."""
    import os

    pairs = ctx.meta.get("outputs") or []
    if not pairs or all(f is None for f, _ in pairs):
        default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        pairs = [[default, o] for _, o in pairs] or [[default, None]]
    emit(result, [(f or "text", o) for f, o in pairs], stream)
    sys.exit(result.exit_code(options.failure_threshold))


@main.command(cls=PairedOutputs)
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable files are reported by the engine
@common_options
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME=VALUE", help="Value for an ARG used in FROM.")
@click.option("--context", "context_dir", type=click.Path(file_okay=False), help="Build context directory [default: the Dockerfile's directory].")
@click.option("--target", help="Stage to lint as the image being built [default: the last stage].")
@click.option("--stdin-filename", default="-", help="Name to report for input read from '-'.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes [default: one per CPU for large batches].")
@click.pass_context
def check(ctx, paths, build_args, context_dir, target, stdin_filename, fix, diff, unsafe_fixes, jobs, **common):
    """Lint Dockerfiles (files, or directories searched recursively; '-' for stdin)."""
    from mldocklint.engine import MAX_BYTES, lint

    options = _options("dockerfile", **common)
    if build_args:
        options.build_args.update(_build_args(build_args))
    options.context = context_dir or options.context
    options.target = target or options.target
    options.jobs = jobs

    stdin = sys.stdin.buffer.read(MAX_BYTES + 1) if "-" in paths else None
    if fix or diff:
        from mldocklint import fix as fixer

        result = fixer.run(list(paths), options, write=fix and not diff, unsafe=unsafe_fixes, out=sys.stdout, stdin=stdin, stdin_name=stdin_filename)
    else:
        result = lint(list(paths), options, stdin=stdin, stdin_name=stdin_filename)
    # stdout carries the diff (--diff) or the fixed text (--fix of stdin): reports go to stderr
    _finish(ctx, result, options, sys.stderr if diff or (fix and "-" in paths) else None)


@main.command("image", cls=PairedOutputs)
@click.argument("ref")
@click.option("--dockerfile", type=click.Path(dir_okay=False), help="The Dockerfile the image was built from: findings point at its lines, and its own findings are reported too.")
@click.option("--target", help="Stage of --dockerfile the image was built from [default: the last stage].")
@common_options
@click.pass_context
def image_command(ctx, ref, dockerfile, target, **common):
    """Inspect a built image: REF in a local Docker or Podman engine, docker-archive:FILE, oci-archive:FILE or oci:DIR."""
    from mldocklint.image import ImageError
    from mldocklint.image.lint import lint_image
    from mldocklint.image.source import load

    options = _options("image", **common)
    options.target = target or options.target
    try:
        facts = load(ref)
    except ImageError as e:
        _fail(str(e))
    _finish(ctx, lint_image(facts, options, dockerfile), options)


def emit(result, pairs, stream=None) -> None:
    """Write each (format, file-or-None) report (None: to ``stream``, stdout by default), then errors to stderr."""
    from mldocklint.report import ReportContext, printable, render

    rctx = ReportContext(version=__version__)
    for fmt, path in pairs:
        if path is None or path == "-":
            render(fmt, result, stream or sys.stdout, rctx)
            (stream or sys.stdout).flush()
        else:
            try:
                with open(path, "w", encoding="utf-8", newline="\n") as out:
                    render(fmt, result, out, rctx)
            except OSError as e:
                _fail(f"{path}: cannot write report: {e.strerror or e}")
    for path, message in result.errors:
        click.echo(f"mldocklint: error: {printable(path)}: {printable(message)}", err=True)
    for tb in result.debug_output:
        click.echo(tb, err=True, nl=False)


def _is_terminal(stream) -> bool:
    import os

    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", None) and stream.isatty())


@main.command("rules")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", help="A table (rich on a terminal, plain when piped) or JSON.")
def rules_command(fmt):
    """List every rule: id, slug, severity, category, fix and summary."""
    from mldocklint.rules import all_rules

    rules = list(all_rules().values())
    if fmt == "json":
        import json

        keys = ("id", "slug", "category", "severity", "fix", "summary", "url", "scope", "needs_context", "options")
        click.echo(json.dumps([{k: getattr(r, k) for k in keys} for r in rules], indent=2))
        return
    columns = ("id", "slug", "severity", "category", "fix", "summary")
    if not _is_terminal(sys.stdout):
        widths = [max(len(getattr(r, c)) for r in rules) for c in columns[:-1]]
        for r in rules:
            click.echo("  ".join(getattr(r, c).ljust(w) for c, w in zip(columns, widths)) + "  " + r.summary)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*[c.capitalize() for c in columns], box=None, header_style="bold")
    for r in rules:
        table.add_row(*(getattr(r, c) for c in columns))
    Console().print(table)


@main.command("explain")
@click.argument("rule")
def explain_command(rule):
    """Print a rule's page (by id, ML302, or slug, root-user)."""
    from mldocklint import catalog
    from mldocklint.rules import UnknownRule, get

    try:
        found = get(rule)
    except UnknownRule as e:
        _fail(f"{e}; `mldocklint rules` lists them")
    text = catalog.page(found).split("\n", 1)[1]  # without the "generated" comment
    if not _is_terminal(sys.stdout):
        click.echo(text, nl=False)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    console.print(Markdown(text))
    console.print(f"[dim]{found.url}[/dim]")


def run() -> None:
    """Console entry point: usage errors and crashes exit 2, never 1."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # pragma: no cover - last line of defence
        click.echo(f"mldocklint: internal error: {type(e).__name__}: {e}", err=True)
        if "--debug" in sys.argv:
            import traceback

            traceback.print_exc()
        sys.exit(EXIT_USAGE)
