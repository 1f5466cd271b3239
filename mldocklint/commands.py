"""What the commands do, without click: options, linting, reports and the exit code.

``cli`` declares the command line with click and calls in here; ``__main__`` calls
``check`` directly for a plain ``mldocklint [check] PATH...``, so the common case
starts without importing click.
"""

from __future__ import annotations

import os
import sys

from mldocklint import __version__

EXIT_USAGE = 2
EXIT_PIPE = 141  # the reader of the output went away (`| head`): a program killed by SIGPIPE exits so
COMMANDS = ("check", "image", "rules", "explain", "server")
USAGE = """\
Usage: mldocklint [check] [OPTIONS] [PATHS]...   lint Dockerfiles (PATHS default to `.`)
       mldocklint image [OPTIONS] REF            inspect a built image
       mldocklint rules | explain RULE           list the rules, print one rule's page
Run `mldocklint --help` or `mldocklint check --help` for the options.
"""


def fail(message: str) -> None:
    """A usage error: one line on stderr, exit 2."""
    print(f"mldocklint: error: {message}", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def note(message: str) -> None:
    """A remark on how the command line was read: one line on stderr; the run goes on."""
    print(f"mldocklint: note: {message}", file=sys.stderr)


def refuse_mistyped_command(args: list[str]) -> None:
    """Exit 2 when the first argument is no command and no existing path, but close to a command name."""
    if not args or args[0].startswith("-") or args[0] in COMMANDS or os.path.lexists(args[0]):
        return
    from mldocklint.names import nearest

    near = nearest(args[0], COMMANDS)
    if near:
        fail(f"`{args[0]}` is neither a command nor a file; did you mean `{near}`?")


def build_args(values) -> dict[str, str]:
    out = {}
    for v in values:
        name, eq, val = v.partition("=")
        if not name:
            fail(f"--build-arg expects NAME=VALUE, got {v!r}")
        out[name] = val if eq else os.environ.get(name, "")
    return out


def make_options(
    scope, select=(), ignore=(), extend_select=(), failure_threshold=None, config_file=None, isolated=False, no_inline_suppressions=False, debug=False, overrides=None, **_
):
    """Options from the configuration file, then the command line; bad input exits 2.

    Without ``--config`` or ``--isolated`` the configuration is found from each Dockerfile's
    directory upwards: the options returned are those found from the current directory, and
    their ``for_dir`` gives the options for another directory (built once per configuration
    file, with the same command-line flags and ``overrides`` applied). ``formats`` and
    ``outputs`` come in ``**_``: ``cli`` pairs them into reports itself.
    """
    from mldocklint.engine import Options
    from mldocklint.rules import UnknownRule, resolve

    for flag, values in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select)):
        try:
            resolve(values)
        except UnknownRule as e:
            fail(f"{flag}: {e}")
    noted: set[str] = set()

    def build(path: str | None):
        options = Options(debug=debug)
        try:
            if path is not None:
                from mldocklint import config

                config.apply(options, path)
            if select:
                _note_config_ignored(select, options, noted)
                options.select = list(select)
            options.ignore += list(ignore)
            options.extend_select += list(extend_select)
            options.enabled(scope)  # unknown rules are usage errors
        except (UnknownRule, ValueError) as e:  # config errors name the file and key
            fail(str(e))
        options.failure_threshold = failure_threshold or options.failure_threshold
        options.inline_suppressions = options.inline_suppressions and not no_inline_suppressions
        if overrides is not None:
            overrides(options)
        return options

    if isolated or config_file:
        return build(config_file if not isolated else None)
    for_dir = PerDirectory(build)
    options = for_dir(None)
    options.for_dir = for_dir
    return options


class PerDirectory:
    """Directory -> the options of the configuration found from it upwards, each built once."""

    def __init__(self, build):
        self.build = build
        self.built: dict = {}  # configuration path (None: none found) -> options
        self.found: dict = {}  # directory -> its configuration path (``config.find``)

    def __call__(self, start: str | None):
        from mldocklint import config

        found = config.find(None, start, self.found)
        if found not in self.built:
            self.built[found] = self.build(found)
        return self.built[found]


def _note_unmatched_patterns(result, options) -> None:
    """A ``per-file-ignores`` pattern that matched no reported path is named once."""
    configs = options.for_dir.built.values() if options.for_dir is not None else [options]
    seen: set[str] = set()
    for opts in configs:
        for pattern in opts.per_file_ignores:
            if pattern not in result.patterns_matched and pattern not in seen:
                seen.add(pattern)
                shown = os.path.relpath(pattern) if os.path.isabs(pattern) else pattern
                note(f"per-file-ignores: `{shown}` matches no linted file")


def _note_config_ignored(select, options, noted: set) -> None:
    """Rules ``--select`` names one by one (an id or slug, not a prefix) that the configuration's
    ``ignore`` switches off: said once."""
    from mldocklint.rules import UnknownRule, get, resolve

    named = set()
    for sel in (part.strip() for raw in select for part in raw.split(",")):
        try:
            named.add(get(sel).id)
        except UnknownRule:  # a prefix such as ML3 or ALL
            pass
    both = sorted(named & resolve(options.ignore))
    if both and ", ".join(both) not in noted:
        noted.add(", ".join(both))
        note(f"--select {', '.join(both)}: ignored by the configuration's `ignore`, so not run; use --isolated or edit the configuration")


def check(
    paths,
    reports=(),
    build_arg=(),
    context_dir=None,
    target=None,
    stdin_filename="-",
    fix=False,
    diff=False,
    unsafe_fixes=False,
    jobs=0,
    dependents=False,
    no_cache=False,
    **common,
) -> None:
    """``mldocklint check``: lint ``paths`` (``-`` for stdin), write the reports and exit."""
    import gc

    gc.disable()  # one run makes little cyclic garbage: collecting it costs more time than it frees memory
    from mldocklint.engine import MAX_BYTES, lint
    from mldocklint.shellcheck import default_cache_dir

    values = build_args(build_arg)
    cache_dir = None if no_cache else default_cache_dir()

    def overrides(options) -> None:
        options.build_args.update(values)
        options.context = context_dir or options.context
        options.target = target or options.target
        options.jobs = jobs
        options.cache_dir = cache_dir

    options = make_options("dockerfile", overrides=overrides, **common)

    paths = list(paths)
    if dependents:
        from mldocklint.discover import dependents as dockerfiles_using

        paths = dockerfiles_using(paths)
        if not paths:  # the changed files are used by no Dockerfile
            sys.exit(0)
    if not paths:
        from mldocklint.discover import discover

        if not discover(["."])[0]:
            print(f"No Dockerfile found in the current directory.\n\n{USAGE}", end="", file=sys.stderr)
            sys.exit(EXIT_USAGE)
    if fix and diff:
        note("--diff prints the fixes and writes nothing: --fix is not applied")
    if unsafe_fixes and not (fix or diff):
        note("--unsafe-fixes only takes effect with --fix or --diff: nothing is fixed")
    stdin = sys.stdin.buffer.read(MAX_BYTES + 1) if "-" in paths else None
    if fix or diff:
        from mldocklint import fix as fixer

        result = fixer.run(paths, options, write=fix and not diff, unsafe=unsafe_fixes, out=sys.stdout, stdin=stdin, stdin_name=stdin_filename)
    else:
        result = lint(paths, options, stdin=stdin, stdin_name=stdin_filename)
    # stdout carries the diff (--diff) or the fixed text (--fix of stdin): reports go to stderr
    finish(result, options, reports, sys.stderr if diff or (fix and "-" in paths) else None)


def finish(result, options, reports=(), stream=None) -> None:
    """Write the requested reports (default: text, or github under GitHub Actions) and exit.

    ``reports`` holds (format or None, file or None) pairs as given on the command line.
    """
    if not reports or all(f is None for f, _ in reports):
        default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        reports = [(default, o) for _, o in reports] or [(default, None)]
    _note_unmatched_patterns(result, options)
    emit(result, [(f or "text", o) for f, o in reports], stream)
    sys.exit(result.exit_code(options.failure_threshold))


def emit(result, pairs, stream=None) -> None:
    """Write each (format, file-or-None) report (None: to ``stream``, stdout by default), then errors to stderr."""
    from mldocklint.report import ReportContext, printable, render

    rctx = ReportContext(version=__version__)
    for fmt, path in pairs:
        if path is None or path == "-":
            try:
                render(fmt, result, stream or sys.stdout, rctx)
                (stream or sys.stdout).flush()
            except BrokenPipeError:
                sys.exit(EXIT_PIPE)
        else:
            try:
                with open(path, "w", encoding="utf-8", newline="\n") as out:
                    render(fmt, result, out, rctx)
            except OSError as e:
                fail(f"{path}: cannot write report: {e.strerror or e}")
    for path, message in result.errors:
        print(f"mldocklint: error: {printable(path)}: {printable(message)}", file=sys.stderr)
    for tb in result.debug_output:
        sys.stderr.write(tb)


def is_terminal(stream) -> bool:
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", None) and stream.isatty())
