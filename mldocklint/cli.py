"""Command line: ``mldocklint check`` (the default), ``rules``, ``explain``, ``image``, ``server``.

The commands' work is in ``commands``; heavy modules (docker, rich, yaml) are imported
inside the commands that need them.
"""

from __future__ import annotations

import os
import sys

import click

from mldocklint import __version__, commands


class DefaultGroup(click.Group):
    """A group that runs ``check`` when the first argument is not a command."""

    def parse_args(self, ctx, args):
        commands.refuse_mistyped_command(args)
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


class PairedOutputs(click.Command):
    """``--output FILE`` belongs to the ``--format`` given just before it.

    An ``--output`` with no ``--format`` before it (when there is a ``--format`` at all), two
    ``--output``s for one ``--format`` and two reports to standard output are usage errors.
    """

    def parse_args(self, ctx, args):
        pairs: list[list] = []
        k = 0
        while k < len(args):
            a = args[k]
            if a == "--":
                break
            name, eq, val = a.partition("=")
            if name[:2] in ("-f", "-o") and len(name) > 2:  # -fjson, -oout.json
                name, eq, val = name[:2], "=", a[2:]
            if name in ("--format", "-f", "--output", "-o"):
                if not eq:
                    val = args[k + 1] if k + 1 < len(args) else None
                    k += 1
                if name in ("--format", "-f"):
                    pairs.append([val, None])
                elif pairs and pairs[-1][1] is None:
                    pairs[-1][1] = val
                elif pairs:
                    commands.fail(f"--output {val}: the --format before it already has --output {pairs[-1][1]}; write `--format FORMAT --output FILE` for each report")
                else:
                    pairs.append([None, val])
            k += 1
        if len(pairs) > 1 and pairs[0][0] is None:
            commands.fail(f"--output {pairs[0][1]} comes before any --format; write `--format FORMAT --output FILE` for each report")
        to_stdout = [f for f, o in pairs if o in (None, "-")]
        if len(to_stdout) > 1:
            commands.fail(f"--format {' and --format '.join(to_stdout)} would all write to standard output; give all but one an --output FILE")
        ctx.meta["outputs"] = pairs
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mldocklint", message="%(prog)s %(version)s")
def main():
    """Lint Dockerfiles, build contexts and built images for ML best practices."""


_FORMATS = ("text", "json", "sarif", "github", "gitlab")


class Choice(click.Choice):
    """click's choice, with the nearest valid value named when one is close."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as e:
            from mldocklint.names import did_you_mean

            hint = did_you_mean(str(value), self.choices)
            if not hint:
                raise
            self.fail(f"{e.message.rstrip('.')}{hint}", param, ctx)


_COMMON_OPTIONS = (
    click.option("--select", multiple=True, help="Rules to run: ids (ML302), slugs (root-user) or prefixes (ML3)."),
    click.option("--ignore", multiple=True, help="Rules to skip: ids, slugs or prefixes."),
    click.option("--extend-select", multiple=True, help="Rules to run on top of the selection."),
    click.option("--failure-threshold", type=Choice(["error", "warning", "info", "none"]), default=None, help="Exit 1 when a finding is at or above this severity [default: warning]."),
    click.option("--format", "-f", "formats", multiple=True, type=Choice(_FORMATS), help="Output format; repeat with --output for several reports."),
    click.option("--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False), help="Write the --format just before it to FILE (each report: --format FORMAT --output FILE)."),
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


@main.command(cls=PairedOutputs)
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable files are reported by the engine
@common_options
@click.option("--build-arg", multiple=True, metavar="NAME=VALUE", help="Value for an ARG used in FROM.")
@click.option("--context", "context_dir", type=click.Path(file_okay=False), help="Build context directory [default: the Dockerfile's directory].")
@click.option("--target", help="Stage to lint as the image being built [default: the last stage].")
@click.option("--stdin-filename", default="-", help="Name to report for input read from '-'.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option("--dependents", is_flag=True, help="A named file that is not a Dockerfile (.dockerignore, requirements file) stands for the Dockerfiles that use it (the pre-commit hook passes changed files).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes [default: one per CPU for large batches].")
@click.option("--no-cache", is_flag=True, help="Neither read nor keep ShellCheck's results in the cache folder [default: $MLDOCKLINT_CACHE_DIR, else ~/.cache/mldocklint].")
@click.pass_context
def check(ctx, paths, **kwargs):
    """Lint Dockerfiles: PATHS are files, directories searched recursively, or '-' for stdin [default: .]."""
    commands.check(paths, ctx.meta["outputs"], **kwargs)


@main.command("image", cls=PairedOutputs)
@click.argument("ref")
@click.option("--dockerfile", type=click.Path(dir_okay=False), help="The Dockerfile the image was built from: findings point at its lines, and its own findings are reported too.")
@click.option("--target", help="Stage of --dockerfile the image was built from [default: the last stage].")
@click.option("--max-expand-gb", type=click.FloatRange(min=0, min_open=True), default=1000, show_default=True, help="Refuse an image whose compressed layers decompress to more than this many GB in all.")
@click.option("--platform", default="", metavar="OS/ARCH[/VARIANT]", help="The image to read from a multi-platform index [default: linux/amd64, else the first].")
@click.option("--insecure", is_flag=True, help="Talk to the registry over plain HTTP.")
@common_options
@click.pass_context
def image_command(ctx, ref, dockerfile, target, max_expand_gb, platform, insecure, **common):
    """Inspect a built image: REF in a local Docker or Podman engine, docker-archive:FILE, oci-archive:FILE,
    oci:DIR, or registry://HOST[:PORT]/NAME[:TAG|@DIGEST]."""
    from mldocklint.image import ImageError
    from mldocklint.image.layers import Limits
    from mldocklint.image.lint import lint_image
    from mldocklint.image.source import load

    options = commands.make_options("image", **common)
    options = options.of(dockerfile) if dockerfile else options  # the Dockerfile's project settings
    options.target = target or options.target
    if not common["isolated"] and os.path.isfile(".dive-ci"):
        from mldocklint.image.dive_ci import KEYS, DiveCIError, read

        ci = options.rule_options.get("ML603", {})
        if not any(k in ci for k in KEYS.values()):  # mldocklint's own options win
            try:
                options.rule_options["ML603"] = {**ci, **read(".dive-ci")}
            except DiveCIError as e:
                commands.fail(f".dive-ci: {e}")
    try:
        facts = load(ref, Limits(max_expanded=int(max_expand_gb * 1e9)), platform, insecure)
    except ImageError as e:
        commands.fail(str(e))
    commands.finish(lint_image(facts, options, dockerfile), options, ctx.meta["outputs"])


@main.command("rules")
@click.option("--format", "-f", "fmt", type=Choice(["text", "json"]), default="text", help="A table (rich on a terminal, plain when piped) or JSON.")
def rules_command(fmt):
    """List every rule: id, slug, severity, category, fix and summary."""
    from mldocklint.rules import all_rules

    rules = list(all_rules().values())
    if fmt == "json":
        import json

        keys = ("id", "slug", "category", "severity", "fix", "summary", "url", "scope", "needs_context", "options", "aliases", "opt_in")
        click.echo(json.dumps([{k: list(v) if isinstance(v := getattr(r, k), tuple) else v for k in keys} for r in rules], indent=2))
        return
    columns = ("id", "slug", "severity", "category", "fix", "summary")
    if not commands.is_terminal(sys.stdout):
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
        commands.fail(str(e))
    text = catalog.page(found).split("\n", 1)[1]  # without the "generated" comment
    if not commands.is_terminal(sys.stdout):
        click.echo(text, nl=False)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    console.print(Markdown(text))
    console.print(f"[dim]{found.url}[/dim]")


@main.command("server")
def server_command():
    """Run the language server for editors (LSP over stdio); needs `pip install 'mldocklint[server]'`."""
    try:
        from mldocklint.server import main as serve
    except ImportError as e:
        if (e.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        commands.fail("the language server needs pygls and lsprotocol: pip install 'mldocklint[server]'")
    serve()
