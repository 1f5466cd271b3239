"""Run the rules over parsed files; apply selection, severity, suppressions; sort.

Rules yield ``Problem``s; the engine turns them into ``Finding``s with a severity, a
stage and a fingerprint that does not depend on line numbers.
"""

from __future__ import annotations

import os

from mldocklint import rules as registry
from mldocklint.model import Dockerfile, Finding, Problem, identity
from mldocklint.paths import display_path, matches
from mldocklint.rules.base import Rule
from mldocklint.target import Target
from mldocklint.syntax.dockerfile import ParseError, decode, parse

# Dockerfiles past this size are refused: real ones are kilobytes, and a bound keeps
# time (about a second per MiB) and memory predictable on whatever is passed in.
MAX_BYTES = 4 << 20
THRESHOLDS = ("error", "warning", "info", "none")
_RANK = {"error": 0, "warning": 1, "info": 2}


class Options:
    """Everything that shapes a run; built from config files and the command line."""

    def __init__(
        self,
        *,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        extend_select: list[str] | None = None,
        per_file_ignores: dict[str, list[str]] | None = None,
        roles: dict[str, str] | None = None,  # file pattern -> image role ("*": every file)
        severity: dict[str, str] | None = None,  # rule id -> severity
        failure_threshold: str = "warning",
        target: str | None = None,
        build_args: dict[str, str] | None = None,
        context: str | None = None,  # build context directory; default: inferred (context_infer)
        contexts: list[tuple[str, str, str]] | None = None,  # (Dockerfile path pattern, context, where it is set)
        rule_options: dict[str, dict] | None = None,  # rule id -> {option: value}
        inline_suppressions: bool = True,
        debug: bool = False,
        jobs: int = 0,  # worker processes for many files; 0: one per CPU when the batch is large
        buffers: dict[str, str] | None = None,  # absolute path -> an editor's unsaved text, read instead of the file
        cache_dir: str | None = None,  # where ShellCheck's results are kept between runs (None: not kept)
    ):
        self.select = select
        self.ignore = list(ignore or ())
        self.extend_select = list(extend_select or ())
        self.per_file_ignores = dict(per_file_ignores or {})
        self.roles = dict(roles or {})
        self.severity = dict(severity or {})
        self.failure_threshold = failure_threshold
        self.target = target
        self.build_args = dict(build_args or {})
        self.context = context
        self.contexts = list(contexts or ())
        self.rule_options = dict(rule_options or {})
        self.inline_suppressions = inline_suppressions
        self.debug = debug
        self.jobs = jobs
        self.buffers = dict(buffers or {})
        self.cache_dir = cache_dir
        # directory (None: the current one) -> the options of the configuration found from it
        # upwards; set by the command line. None: these options for every file.
        self.for_dir = None

    def of(self, source: str | None) -> Options:
        """The options for the Dockerfile at ``source`` (None: stdin without a name)."""
        if self.for_dir is None:
            return self
        return self.for_dir(os.path.dirname(os.path.abspath(source)) if source else None)

    def role_for(self, path: str) -> str | None:
        """The role the configuration gives the file at ``path`` (the last matching pattern), or None."""
        found = None
        for pattern, role in self.roles.items():
            if matches(path, pattern):
                found = role
        return found

    def chosen(self) -> set[str]:
        """Ids the selection keeps: rule ids, and ShellCheck codes named one by one."""
        chosen = registry.resolve(self.select) if self.select is not None else {r.id for r in registry.all_rules().values() if not r.opt_in}
        chosen |= registry.resolve(self.extend_select)
        ignored = registry.resolve(self.ignore)
        return {r for r in chosen if not registry.covers(ignored, r)}

    def enabled(self, scope: str = "dockerfile") -> list[Rule]:
        """Selected rules of one scope: "dockerfile" (``check``), "image" (``image``) or "shell" (ShellCheck)."""
        rules = registry.all_rules()
        ids = {registry.family(r) for r in self.chosen()}
        return [rules[r] for r in sorted(ids) if rules[r].scope == scope]

    def shellcheck_codes(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(codes to keep, codes to leave out) for ShellCheck: the keep list is empty when the
        whole family is selected; codes off by default are left out unless named."""
        from mldocklint.rules.sc_shellcheck import OFF_BY_DEFAULT

        chosen = self.chosen()
        named = registry.resolve([*(self.select or ()), *self.extend_select])
        keep = () if registry.SHELLCHECK in chosen else tuple(sorted(c for c in chosen if registry.is_shellcheck_code(c)))
        drop = {c for c in registry.resolve(self.ignore) if registry.is_shellcheck_code(c)} | (OFF_BY_DEFAULT - named)
        return keep, tuple(sorted(drop))


class Result:
    """What a run found: findings, one-line errors, and what reporters need."""

    def __init__(self):
        self.findings: list[Finding] = []
        self.errors: list[tuple[str, str]] = []  # (path, one-line message)
        self.files = 0
        self.debug_output: list[str] = []
        self.sources: dict[str, str] = {}  # shown path -> text, for reporters that quote lines
        self.file_info: dict[str, dict] = {}  # shown path -> what the linter understood of the file
        self.image: dict | None = None  # ImageFacts.as_dict() of an inspected image, for reporters
        self.thresholds: dict[str, str] = {}  # path -> failure threshold of the options that linted it
        self.patterns_matched: set[str] = set()  # per-file-ignores patterns that matched a reported path

    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is None]

    def exit_code(self, threshold: str) -> int:
        if self.errors:
            return 2
        for f in self.open_findings():
            level = self.thresholds.get(f.path, threshold)
            if level != "none" and _RANK[f.severity] <= _RANK[level]:
                return 1
        return 0


def read_bytes(path: str, result: Result) -> bytes | None:
    """A Dockerfile's bytes, at most ``MAX_BYTES`` + 1 of them; None (and an error) when unreadable."""
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as e:
        result.errors.append((display_path(path), f"cannot read: {e.strerror or e}"))
        return None


def decode_text(data: bytes, shown: str, result: Result) -> str | None:
    """The text of a Dockerfile's bytes; None (and an error) when too large or not text."""
    if len(data) > MAX_BYTES:
        result.errors.append((shown, f"larger than {MAX_BYTES >> 20} MiB: too big for a Dockerfile, not linted"))
        return None
    try:
        return decode(data)
    except ValueError as e:
        result.errors.append((shown, str(e)))
        return None


def context_for(path: str | None, options: Options, df: Dockerfile | None = None, stages=None) -> tuple[str, str]:
    """(build context directory, what decided it) for the Dockerfile at ``path`` (None: stdin);
    ``df``, the parsed file, allows the structural fallback (see ``context_infer``), and
    ``stages`` are its stages that ship, when known already."""
    from mldocklint.context_infer import infer

    return infer(path, options, df, stages)


def stdin_source(stdin_name: str, options: Options) -> tuple[str, str | None]:
    """(shown path, source path) of input read from ``-``, named by ``--stdin-filename``."""
    if stdin_name == "-":
        return "-", None
    return display_path(stdin_name), stdin_name


def _anchor(df: Dockerfile | None, line: int) -> str:
    """The text of the instruction that holds ``line``: stable when lines move."""
    instr = df.instruction_at(line) if df is not None else None
    return instr.keyword + " " + " ".join(instr.value) if instr is not None else ""


class Linter:
    """Lints files with one set of options; reusable across files."""

    def __init__(self, options: Options):
        self.options = options
        self.rules = options.enabled()
        shell = options.enabled("shell")
        self.shellcheck = shell[0] if shell else None
        self.shellcheck_codes = options.shellcheck_codes()
        self.rule_options = {r.id: {**r.options, **options.rule_options.get(r.id, {})} for r in (*self.rules, *shell)}
        self.shellcheck_level = self.rule_options[shell[0].id]["min-level"] if shell else ""
        self.needs_context = any(r.needs_context or r.uses_context for r in self.rules)
        self.fixable_rules = {r.id: r.fix for r in self.rules if r.fix != "none"}
        self.last_target: Target | None = None

    def lint_files(self, paths: list[str]) -> Result:
        """Lint files; ShellCheck checks the scripts of several files in one process (a single
        file's ShellCheck runs while its rules do)."""
        result = Result()
        batch = Batch(self, result) if len(paths) > 1 else None
        for path in paths:
            self.lint_file(path, result, batch)
        if batch is not None:
            batch.flush()
        return result

    def lint_file(self, path: str, result: Result, batch: Batch | None = None) -> None:
        data = read_bytes(path, result)
        if data is not None:
            self.lint_bytes(data, display_path(path), result, source=path, batch=batch)

    def lint_bytes(self, data: bytes, shown: str, result: Result, source: str | None = None, batch: Batch | None = None) -> None:
        text = decode_text(data, shown, result)
        if text is None:
            return
        result.files += 1
        result.sources[shown] = text
        result.findings.extend(self.lint_text(text, shown, result, source=source, batch=batch, infer=True))

    def lint_text(
        self,
        text: str,
        shown: str,
        result: Result,
        context_dir: str | None = None,
        source: str | None = None,
        context_source: str = "given",
        batch: Batch | None = None,
        infer: bool = False,
    ) -> list[Finding]:
        """Findings of one Dockerfile's text: ``source`` is its path on disk (None for a buffer or
        stdin), ``context_dir`` its build context (None: context rules do not run) and
        ``context_source`` what decided that context. With ``infer``, the context is found
        with ``context_for`` once the text is parsed. With a ``batch``, the file's findings go
        to the batch, which adds ShellCheck's and hands them to ``result`` when it flushes."""
        df = error = target = None
        wanted = self.options.target
        try:
            df = parse(text, shown, self.options.build_args)
        except ParseError as e:
            error = e
        else:
            if not (wanted and df.stages and df.stage_named(wanted) is None):
                target = self.last_target = Target(df, wanted, None, self.options.role_for(shown))  # fix.py reads the model back
        scripts = list(self.shellcheck.check(target, {})) if target is not None and self.shellcheck is not None else []
        job = self.start_shellcheck(scripts, result) if scripts and batch is None else None  # runs while the context is read and the rules run
        if infer:
            context_dir, context_source = context_for(source, self.options, df, target.built_stages() if target is not None and df.stages else None)
        info = result.file_info[shown] = {
            "path": shown,
            "role": None,
            "role_evidence": None,
            "context": display_path(context_dir) if context_dir is not None else None,
            "context_source": context_source if context_dir is not None else None,
        }
        if error is not None:
            if not any(r.id == "ML000" for r in self.rules):
                return []
            rule = registry.all_rules()["ML000"]
            lines = text.splitlines()
            line_text = lines[error.line - 1] if error.line <= len(lines) else ""
            problem = Problem(error.line, error.column, error.message, end_line=error.line, end_column=max(len(line_text) + 1, error.column + 1))
            return [self._finding(rule, problem, None, shown, {})]
        if target is None:  # the --target stage is missing, as `docker build --target` says
            from mldocklint.names import did_you_mean

            named = [st.name for st in df.stages if st.name]
            result.errors.append((shown, f"target stage `{wanted}` not found (stages: {', '.join(named) or 'none named'}){did_you_mean(wanted, named)}"))
            return []
        if self.needs_context and context_dir is not None:
            from mldocklint import context as ctxmod

            try:
                target.context = ctxmod.load(df, context_dir, source, self.options, source=context_source, stages=target.built_stages() if df.stages else [])
            except ctxmod.ContextError as e:
                result.errors.append((shown, str(e)))
            else:  # a requirements file that is not text is an error, not a silent gap
                result.errors += [(target.context.shown(p.path), p.message) for p in target.context.problems if p.kind == "unreadable"]
        context = target.context
        role = target.role
        info["role"], info["role_evidence"] = role.name, role.describe()
        findings: list[Finding] = []
        seen: dict[tuple, int] = {}
        for rule in self.rules:
            if rule.needs_context and context is None or role.name not in rule.roles:
                continue
            try:
                for problem in rule.check(target, self.rule_options[rule.id]):
                    findings.append(self._finding(rule, problem, df, shown, seen))
            except Exception as e:  # a bug in one rule must not hide the others' findings
                result.errors.append((shown, f"internal error in rule {rule.id} ({rule.slug}): {type(e).__name__}: {e}"))
                if self.options.debug:
                    import traceback

                    result.debug_output.append(traceback.format_exc())
        if batch is not None and scripts:
            batch.add(df, findings, scripts, seen, target)
            return []
        if job is not None:
            findings += self.shellcheck_findings(df, scripts, self.finish_shellcheck(job, result), seen)
        return self.finish(df, findings, result, target)

    def finish(self, df: Dockerfile, findings: list[Finding], result: Result, target: Target) -> list[Finding]:
        """Apply pragmas and per-file ignores and mark what is fixable, once every rule's findings
        are in; ``result`` learns the per-file-ignores patterns used and each path's threshold."""
        if self.options.inline_suppressions or self.options.per_file_ignores:
            from mldocklint import suppress

            findings = suppress.apply(df, findings, self.options, result.patterns_matched)
        if self.fixable_rules:
            findings = [self._with_fixability(f, target) for f in findings]
        for f in findings:
            result.thresholds[f.path] = self.options.failure_threshold
        return findings

    def _with_fixability(self, f: Finding, target: Target) -> Finding:
        """``f`` with ``fixable`` set when its rule has a fix and the fix applies to it."""
        kind = self.fixable_rules.get(f.rule)
        if kind is None or f.suppressed is not None:
            return f
        from mldocklint.fixes import fix_for

        try:
            found = fix_for(target, f) is not None
        except Exception:  # a broken fixer makes the finding unfixable, not the run fail
            found = False
        return f._replace(fixable=kind) if found else f

    # -- ShellCheck ------------------------------------------------------------------------

    def start_shellcheck(self, scripts: list, result: Result):
        """Start one ShellCheck process on ``scripts``; None (and one error line) when it cannot run."""
        from mldocklint import shellcheck
        from mldocklint.rules.sc_shellcheck import LEVELS

        keep, drop = self.shellcheck_codes
        if self.shellcheck_level not in LEVELS:
            _error_once(result, f"shellcheck.min-level must be one of {', '.join(LEVELS)}, not {self.shellcheck_level!r}")
            return None
        try:
            return shellcheck.Job(scripts, keep, drop, self.shellcheck_level, self.options.cache_dir)
        except shellcheck.ShellCheckError as e:
            _error_once(result, str(e))
            return None

    def finish_shellcheck(self, job, result: Result) -> list[list]:
        from mldocklint import shellcheck

        try:
            return job.comments()
        except shellcheck.ShellCheckError as e:
            _error_once(result, str(e))
            return [[] for _ in job.scripts]

    def shellcheck_findings(self, df: Dockerfile, scripts: list, comments: list[list], seen: dict) -> list[Finding]:
        from mldocklint.shellcheck import Lines, place

        lines = Lines(df.text)
        out = []
        for script, found in zip(scripts, comments):
            stage = df.stages[script.instr.stage].label if 0 <= script.instr.stage < len(df.stages) else None
            for c in filter(None, (place(script, c) for c in found)):
                line, column = lines.at(c.start)
                end_line, end_column = lines.at(c.end)
                rule = registry.lookup(c.code)
                problem = Problem(line, column, c.message, end_line=end_line, end_column=end_column, stage=stage, severity=c.severity)
                out.append(self._finding(rule, problem, df, df.path, seen))
        return out

    def _finding(self, rule: Rule, p: Problem, df: Dockerfile | None, path: str, seen: dict) -> Finding:
        configured = self.options.severity
        severity = configured.get(rule.id) or configured.get(registry.family(rule.id)) or p.severity or rule.severity
        shown = p.path or path
        anchor = _anchor(df, p.line) if p.path is None else ""
        base = (rule.id, shown, p.stage, anchor, p.key)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        return Finding(
            rule=rule.id,
            slug=rule.slug,
            severity=severity,
            message=p.message,
            path=shown,
            line=p.line,
            column=p.column,
            end_line=p.end_line or p.line,
            end_column=p.end_column or p.column + 1,
            stage=p.stage,
            identity=identity(*base, occurrence),
            fix=p.fix,
        )


class Linters:
    """One ``Linter`` per configuration: each Dockerfile gets the options found from its directory."""

    def __init__(self, options: Options):
        self.options = options
        self._built: dict[int, Linter] = {}

    def for_source(self, source: str | None) -> Linter:
        options = self.options.of(source)
        linter = self._built.get(id(options))
        if linter is None:
            linter = self._built[id(options)] = Linter(options)
        return linter


def _error_once(result: Result, message: str) -> None:
    if ("shellcheck", message) not in result.errors:
        result.errors.append(("shellcheck", message))


class Batch:
    """Files whose ShellCheck findings are still to come: their scripts go to one ShellCheck
    process together, every ``FILES`` files, so that memory stays bounded."""

    FILES = 512

    def __init__(self, linter: Linter, result: Result):
        self.linter = linter
        self.result = result
        self.pending: list[tuple[Dockerfile, list[Finding], list, dict, Target]] = []

    def add(self, df: Dockerfile, findings: list[Finding], scripts: list, seen: dict, target: Target) -> None:
        self.pending.append((df, findings, scripts, seen, target))
        if len(self.pending) >= self.FILES:
            self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        scripts = [s for _, _, mine, _, _ in pending for s in mine]
        if not scripts:
            return
        linter = self.linter
        job = linter.start_shellcheck(scripts, self.result)
        comments = iter(linter.finish_shellcheck(job, self.result) if job is not None else [[] for _ in scripts])
        for df, findings, mine, seen, target in pending:
            findings += linter.shellcheck_findings(df, mine, [next(comments) for _ in mine], seen)
            self.result.findings.extend(linter.finish(df, findings, self.result, target))


def lint(paths: list[str], options: Options, stdin: bytes | None = None, stdin_name: str = "-") -> Result:
    """Lint paths (files or directories); ``-`` reads ``stdin``."""
    from mldocklint.discover import discover

    result = Result()
    linters = Linters(options)
    files, errors = discover(paths)
    result.errors.extend(errors)
    groups: dict[Linter, list[str]] = {}  # every configuration is read before anything is linted
    for f in files:
        if f != "-":
            groups.setdefault(linters.for_source(f), []).append(f)
    if "-" in files:
        shown, source = stdin_source(stdin_name, options)
        linters.for_source(source).lint_bytes(stdin or b"", shown, result, source)
    parts: list[Result] = []
    for linter, group in groups.items():
        jobs = _jobs(linter.options.jobs, len(group))
        parts += _parallel(linter, group, jobs) if jobs > 1 else [linter.lint_files(group)]
    for part in parts:
        result.findings += part.findings
        result.errors += part.errors
        result.files += part.files
        result.debug_output += part.debug_output
        result.sources.update(part.sources)
        result.file_info.update(part.file_info)
        result.thresholds.update(part.thresholds)
        result.patterns_matched |= part.patterns_matched
    result.findings = unique(sorted(result.findings, key=Finding.sort_key))
    result.errors.sort()
    return result


def unique(findings: list[Finding]) -> list[Finding]:
    """Sorted findings without repeats: an app source or requirements file that several
    Dockerfiles use is reported once for each problem, not once per Dockerfile."""
    out: list[Finding] = []
    for f in findings:
        if not out or (f.rule, f.path, f.line, f.column, f.end_line, f.end_column, f.message, f.suppressed) != (
            (o := out[-1]).rule, o.path, o.line, o.column, o.end_line, o.end_column, o.message, o.suppressed
        ):
            out.append(f)
    return out


# Files per worker below which forking costs more than it saves.
_MIN_FILES_PER_JOB = 64


def _jobs(requested: int, files: int) -> int:
    """Worker processes for ``files`` files: ``requested``, or one per CPU for large batches."""
    if requested > 0:
        return min(requested, max(files, 1))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, files // _MIN_FILES_PER_JOB))


def _parallel(linter: Linter, files: list[str], jobs: int) -> list[Result]:
    """Lint contiguous chunks of ``files`` in forked workers, each handing its ``Result`` back
    pickled through a pipe (in-process where there is no fork). A worker that dies without a
    result has its files linted here: no file is lost. ``multiprocessing`` is not used: its
    import and its pool took longer to start than the fork and a pipe."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return [linter.lint_files(files)]
    import pickle

    size = -(-len(files) // jobs)
    children = []
    for chunk in (files[k : k + size] for k in range(0, len(files), size)):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                os.close(read)
                with open(write, "wb") as out:
                    pickle.dump(linter.lint_files(chunk), out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)  # not the parent's teardown, nor its buffered output
        os.close(write)
        children.append((pid, read, chunk))
    results = []
    for pid, read, chunk in children:
        with open(read, "rb") as fh:
            data = fh.read()
        os.waitpid(pid, 0)
        try:
            results.append(pickle.loads(data))
        except Exception:  # the worker died (killed, out of memory): lint its files here
            results.append(linter.lint_files(chunk))
    return results
