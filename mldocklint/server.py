"""``mldocklint server``: the language server (LSP over stdio) editors talk to.

Built on pygls and lsprotocol (the ``server`` extra); nothing else imports this module.

- **Dockerfiles** (the names ``check`` finds, or any document the editor calls
  ``dockerfile``) are linted on open, on change (after ``DEBOUNCE`` seconds without typing)
  and on save, with the engine, the configuration found from the document's folder (as the
  CLI finds it from the current directory), inline pragmas and the build context.
- **Other documents** (``.dockerignore``, requirements files, application sources) are
  context: their unsaved text is what the context rules read (``engine.Options.buffers``),
  and a change re-lints the Dockerfiles whose build context holds them: the open ones, and
  the ones on disk in the document's folder and the folders above it, up to the
  workspace root. Findings located in such a file (an unpinned requirement) are published
  on that file.
- **Configuration** (``pyproject.toml``, ``.mldocklint.yaml``) changes, saved or reported
  by ``workspace/didChangeWatchedFiles``, and ``workspace/didChangeConfiguration`` re-lint
  everything.
- **Code actions**: a quick fix per fixable finding (unsafe fixes say so), "suppress with a
  reason", and ``source.fixAll.mldocklint`` (the safe fixes of ``check --fix``).
- **Hover** on a finding: the rule's summary, and its page's "Why" and "Use instead".

A document that cannot be linted (a crashing rule, an unreadable context, a bad
configuration) is logged with ``window/logMessage`` and gets an ML000 diagnostic on its
first line saying why; the server keeps serving.
"""

from __future__ import annotations

import asyncio
import os
import re
from bisect import bisect_right

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from mldocklint import __version__, catalog, config, context
from mldocklint import fix as fixing
from mldocklint.discover import is_dockerfile_name
from mldocklint.engine import MAX_BYTES, Linter, Options, Result, context_for, decode_text, display_path, read_bytes
from mldocklint.fixes import fix_for, newline, offset
from mldocklint.records import NamedTuple
from mldocklint.rules import lookup
from mldocklint.shellcheck import default_cache_dir
from mldocklint.syntax.dockerignore import ignore_file_for

# Seconds of quiet after a change before the document is linted again (milliseconds in
# MLDOCKLINT_SERVER_DEBOUNCE_MS, for editors on slow machines).
DEBOUNCE = float(os.environ.get("MLDOCKLINT_SERVER_DEBOUNCE_MS", "10")) / 1000
SOURCE = "mldocklint"
FIX_ALL = "source.fixAll.mldocklint"
_BOM = "\ufeff"
_SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning, "info": lsp.DiagnosticSeverity.Information}


class Text:
    """A document's text with its line starts: 1-based (line, column) and offsets to LSP positions."""

    def __init__(self, text: str, encoding: str = lsp.PositionEncodingKind.Utf16):
        self.text = text
        self.bom = 1 if text.startswith(_BOM) else 0
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.encoding = encoding

    def offset(self, line: int, column: int) -> int:
        """Offset in the text of a finding's 1-based (line, column), counted after the BOM."""
        k = min(max(line, 1), len(self.starts)) - 1
        return min(self.starts[k] + (self.bom if k == 0 else 0) + max(column, 1) - 1, len(self.text))

    def position(self, offset: int) -> lsp.Position:
        k = bisect_right(self.starts, offset) - 1
        before = self.text[self.starts[k] : offset]
        if self.encoding == lsp.PositionEncodingKind.Utf8:
            units = len(before.encode("utf-8", "surrogatepass"))
        elif self.encoding == lsp.PositionEncodingKind.Utf32:
            units = len(before)
        else:
            units = len(before) + sum(1 for c in before if ord(c) > 0xFFFF)
        return lsp.Position(line=k, character=units)

    def range(self, line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
        start = self.offset(line, column)
        return lsp.Range(self.position(start), self.position(max(start, self.offset(end_line, end_column))))

    def edit(self, start: int, end: int, new: str) -> lsp.TextEdit:
        """A TextEdit from offsets into the text after the BOM (``fixes.Edit``)."""
        return lsp.TextEdit(lsp.Range(self.position(start + self.bom), self.position(end + self.bom)), new)

    def replace_all(self, new: str) -> lsp.TextEdit:
        return lsp.TextEdit(lsp.Range(self.position(0), self.position(len(self.text))), new)


class Entry(NamedTuple):
    """A published diagnostic and the finding it shows (None for a could-not-lint diagnostic)."""

    diagnostic: lsp.Diagnostic
    finding: object


class Lint(NamedTuple):
    """The last lint of a Dockerfile: what code actions and hover work from."""

    path: str | None
    text: str  # as linted, with its BOM
    linter: Linter | None  # None when the text could not be read
    target: object  # the rules.base.Target the fixers read, None when the text did not parse
    context_dir: str | None  # None for a document not saved to a file: no build context
    entries: dict[str, list[Entry]]  # uri -> entries, for every file the findings are in
    fix_all: list  # the "fix all" action once asked for, as [action or None]


def _contains(r: lsp.Range, p: lsp.Position) -> bool:
    return (r.start.line, r.start.character) <= (p.line, p.character) <= (r.end.line, r.end.character)


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (b.start.line, b.start.character) <= (a.end.line, a.end.character)


class Protocol(LanguageServerProtocol):
    """pygls (2.1) keeps the future of every notification its built-in handlers serve (didChange
    among them) in ``_request_futures``, where only request futures are ever removed: each is
    dropped here once done, so memory stays flat over a long editing session."""

    def _handle_notification(self, method_name, params):
        before = set(self._request_futures)
        super()._handle_notification(method_name, params)
        for key in set(self._request_futures) - before:
            self._request_futures[key].add_done_callback(lambda _, key=key: self._request_futures.pop(key, None))


class Server(LanguageServer):
    def __init__(self):
        super().__init__("mldocklint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental, protocol_cls=Protocol)
        self.linters: dict[str | None, tuple[Linter, str | None]] = {}  # config path -> (linter, config error)
        self.lints: dict[str, Lint] = {}  # Dockerfile uri -> its last lint
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.published: dict[str, list[lsp.Diagnostic]] = {}  # uri -> the diagnostics the client has

    # -- documents ----------------------------------------------------------------------

    def open_documents(self) -> dict[str, object]:
        return self.workspace.text_documents

    def is_dockerfile(self, uri: str) -> bool:
        doc = self.open_documents().get(uri)
        if doc is not None and doc.language_id in ("dockerfile", "containerfile"):
            return True
        path = to_fs_path(uri)
        return path is not None and is_dockerfile_name(os.path.basename(path))

    def buffers(self) -> dict[str, str]:
        """Unsaved text of the open documents by absolute (and real) path, for the context rules."""
        out = {}
        for uri, doc in self.open_documents().items():
            path = to_fs_path(uri)
            if path is not None:
                out[os.path.abspath(path)] = out[os.path.realpath(path)] = doc.source
        return out

    def linter_for(self, folder: str) -> tuple[Linter, str | None]:
        """The linter for a document in ``folder``: its configuration file, found upward; and
        the configuration's error (then the defaults are used)."""
        found = config.find(start=folder)
        if found not in self.linters:
            options, error = Options(cache_dir=default_cache_dir()), None
            try:
                config.apply(options, found)
                options.enabled()  # unknown rules are configuration errors
            except ValueError as e:
                options, error = Options(cache_dir=default_cache_dir()), str(e)
            self.linters[found] = (Linter(options), error)
        return self.linters[found]

    def source_of(self, uri: str, path: str | None, result: Result) -> str | None:
        doc = self.open_documents().get(uri)
        if doc is not None:
            text = doc.source
            if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
                result.errors.append((display_path(path or uri), f"larger than {MAX_BYTES >> 20} MiB: too big for a Dockerfile, not linted"))
                return None
            return text
        data = read_bytes(path, result) if path else None
        return decode_text(data, display_path(path), result) if data is not None else None

    # -- linting -------------------------------------------------------------------------

    def lint(self, uri: str) -> None:
        """Lint one Dockerfile and publish its diagnostics, and those of the files its findings are in."""
        before = self.lints.pop(uri, None)
        path = to_fs_path(uri)
        folder = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
        shown = display_path(path) if path else "-"
        result = Result()
        entries: dict[str, list[Entry]] = {}
        try:
            linter, config_error = self.linter_for(folder)
            if config_error:
                result.errors.append((shown, config_error))
            # the build context as `check` finds it (without the structural fallback, which needs the parse)
            context_dir, context_source = context_for(path, linter.options) if path else (linter.options.context, "--context")
            text = self.source_of(uri, path, result)
            if text is not None:
                linter.options.buffers = self.buffers()
                bom = _BOM if text.startswith(_BOM) else ""
                linter.last_target = None
                findings = linter.lint_text(text[len(bom) :], shown, result, context_dir, path, context_source)
                entries = self.entries(uri, shown, Text(text, self.encoding()), findings)
                self.lints[uri] = Lint(path, text, linter, linter.last_target, context_dir, entries, [])
        except Exception as e:  # a bug anywhere must not stop the server
            result.errors.append((shown, f"internal error: {type(e).__name__}: {e}"))
        if result.errors:
            for where, message in result.errors:
                self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"mldocklint: {where}: {message}"))
            entries.setdefault(uri, [])[:0] = [Entry(self.could_not_lint(message), None) for _, message in result.errors]
            if uri not in self.lints:
                self.lints[uri] = Lint(path, "", None, None, None, entries, [])
        touched = set(entries) | (set(before.entries) if before else set())
        for target in sorted(touched | {uri}):
            self.publish(target, again=target == uri)

    def entries(self, uri: str, shown: str, text: Text, findings) -> dict[str, list[Entry]]:
        texts = {shown: text}
        out: dict[str, list[Entry]] = {}
        for f in findings:
            if f.suppressed is not None:
                continue
            if f.path not in texts:
                texts[f.path] = self.text_of(f.path)
            where = texts[f.path]
            if where is None:
                continue
            rule = lookup(f.rule)
            diagnostic = lsp.Diagnostic(
                range=where.range(f.line, f.column, f.end_line, f.end_column),
                message=f.message,
                severity=_SEVERITY[f.severity],
                code=f.rule,
                code_description=lsp.CodeDescription(href=rule.url),
                source=SOURCE,
            )
            target = uri if f.path == shown else from_fs_path(os.path.abspath(f.path))
            out.setdefault(target, []).append(Entry(diagnostic, f))
        return out

    def text_of(self, shown: str) -> Text | None:
        """The text of another file a finding is in: its open buffer, else the file on disk."""
        path = os.path.abspath(shown)
        doc = self.open_documents().get(from_fs_path(path))
        if doc is not None:
            return Text(doc.source, self.encoding())
        try:
            with open(path, "rb") as fh:
                return Text(fh.read(MAX_BYTES).decode("utf-8", "replace"), self.encoding())
        except OSError:
            return None

    def could_not_lint(self, message: str) -> lsp.Diagnostic:
        return lsp.Diagnostic(
            range=lsp.Range(lsp.Position(0, 0), lsp.Position(1, 0)),
            message=f"mldocklint could not lint this file: {message}",
            severity=lsp.DiagnosticSeverity.Error,
            code="ML000",
            source=SOURCE,
        )

    def encoding(self) -> str:
        return self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16

    def publish(self, uri: str, again: bool = False) -> None:
        """Send ``uri`` the diagnostics of every Dockerfile lint that has findings in it, when
        they differ from what it has (``again``: even when they do not, after a change to it)."""
        seen = set()
        diagnostics = []
        for lint in self.lints.values():
            for entry in lint.entries.get(uri, ()):
                d = entry.diagnostic
                key = (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code, d.message)
                if key not in seen:
                    seen.add(key)
                    diagnostics.append(d)
        if not again and diagnostics == self.published.get(uri, []):
            return
        if diagnostics:
            self.published[uri] = diagnostics
        else:
            self.published.pop(uri, None)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def schedule(self, uris, delay: float = DEBOUNCE) -> None:
        """Lint ``uris`` once ``delay`` seconds pass without another request for them."""
        loop = asyncio.get_running_loop()
        for uri in uris:
            handle = self.pending.pop(uri, None)
            if handle is not None:
                handle.cancel()
            self.pending[uri] = loop.call_later(delay, self._run, uri)

    def _run(self, uri: str) -> None:
        self.pending.pop(uri, None)
        self.lint(uri)

    def affected(self, uri: str) -> list[str]:
        """Dockerfiles whose build context holds ``uri``: those linted already, and those on
        disk in its folder and the folders above it, up to the workspace root."""
        path = to_fs_path(uri)
        if path is None:
            return []
        path = os.path.abspath(path)
        found = set()
        for other, lint in self.lints.items():
            if lint.path and lint.context_dir and (path.startswith(os.path.abspath(lint.context_dir) + os.sep) or path == os.path.abspath(lint.path) + ".dockerignore"):
                found.add(other)
        top = os.path.abspath(self.workspace.root_path) if self.workspace.root_path else None
        d = os.path.dirname(path)
        while True:
            try:
                names = sorted(os.listdir(d))
            except OSError:
                names = []
            found.update(from_fs_path(os.path.join(d, n)) for n in names if is_dockerfile_name(n) and os.path.isfile(os.path.join(d, n)))
            if top is None or d == top or not d.startswith(top + os.sep):
                break
            d = os.path.dirname(d)
        return sorted(found)

    def relint_all(self) -> None:
        self.linters.clear()
        context.forget()
        self.schedule(list(self.lints) + [u for u in self.open_documents() if self.is_dockerfile(u) and u not in self.lints])

    def changed(self, uri: str, delay: float) -> None:
        """A document changed (or was saved, opened, closed): re-lint what depends on it."""
        path = to_fs_path(uri)
        if path is not None and os.path.basename(path) in config.NAMES:
            self.relint_all()
        elif self.is_dockerfile(uri):
            self.schedule([uri], delay)
        else:
            context.forget()  # an ignore file's new text would otherwise keep one more walk
            self.schedule(self.affected(uri), delay)

    # -- code actions and hover ------------------------------------------------------------

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        if handle is not None or (uri not in self.lints and self.is_dockerfile(uri)):
            self.lint(uri)
        lint = self.lints.get(uri)
        if lint is None or lint.linter is None:
            return []
        only = params.context.only
        text = Text(lint.text, self.encoding())
        actions = []
        if not only or any(lsp.CodeActionKind.QuickFix.startswith(k) for k in only):
            for entry in lint.entries.get(uri, ()):
                if entry.finding is not None and _overlaps(entry.diagnostic.range, params.range):
                    found = (self.guarded(f"fixing {entry.finding.rule}", self.fix_action, uri, lint, text, entry), self.suppress_action(uri, lint, text, entry))
                    actions += [a for a in found if a is not None]
        if not only or any(FIX_ALL.startswith(k) for k in only):
            if not lint.fix_all:  # the same until the text changes: cursor moves ask again and again
                lint.fix_all.append(self.guarded("fix all", self.fix_all, uri, lint, text))
            action = lint.fix_all[0]
            if action is not None:
                actions.append(action)
        return actions

    def guarded(self, what: str, fn, *args):
        """``fn(*args)``, or None (and a logged error) when it raises: one bad fixer spoils nothing else."""
        try:
            return fn(*args)
        except Exception as e:
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"mldocklint: {what} failed: {type(e).__name__}: {e}"))
            return None

    def fix_action(self, uri: str, lint: Lint, text: Text, entry: Entry) -> lsp.CodeAction | None:
        """The quick fix of a finding, from its rule's fixer (``mldocklint.fixes``), if it has one."""
        f = entry.finding
        rule = lookup(f.rule)
        fx = fix_for(lint.target, f) if f.fix is not None or (rule.fix in ("safe", "unsafe") and lint.target is not None) else None
        if fx is None:
            return None
        changes = self.document_edit(uri, [text.edit(*e) for e in fx.edits]) if fx.edits else []
        changes += self.ignore_edits(lint, list(fx.ignore))
        if not changes:
            return None
        return lsp.CodeAction(
            title=f"Fix {f.rule} ({rule.slug})" + (" (unsafe)" if rule.fix == "unsafe" else ""),
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[entry.diagnostic],
            is_preferred=rule.fix == "safe",
            edit=lsp.WorkspaceEdit(document_changes=changes),
        )

    def suppress_action(self, uri: str, lint: Lint, text: Text, entry: Entry) -> lsp.CodeAction | None:
        """Insert ``# mldocklint: ignore=MLxxx -- `` above the finding's instruction, for a reason to be written."""
        f = entry.finding
        df = lint.target.dockerfile if lint.target is not None else None
        instr = df.instruction_at(f.line) if df is not None and f.path == df.path else None
        if instr is None:
            return None
        at = offset(df, instr.line, 1)
        indent = df.lines[instr.line - 1][: instr.column - 1]
        return lsp.CodeAction(
            title=f"Suppress {f.rule} ({f.slug}) on this instruction, with a reason",
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[entry.diagnostic],
            edit=lsp.WorkspaceEdit(document_changes=self.document_edit(uri, [text.edit(at, at, f"{indent}# mldocklint: ignore={f.rule} -- {newline(df)}")])),
        )

    def fix_all(self, uri: str, lint: Lint, text: Text) -> lsp.CodeAction | None:
        shown = display_path(lint.path) if lint.path else "-"
        body = lint.text[text.bom :]
        linter = lint.linter
        done = fixing.fix_text(linter, body, shown, fixing.allowed_rules(linter, False), lint.context_dir, lint.path)
        if done.text == body and not done.ignore:
            return None
        changes = self.document_edit(uri, [text.edit(0, len(body), done.text)]) if done.text != body else []
        changes += self.ignore_edits(lint, done.ignore)
        return lsp.CodeAction(title="Fix all safe mldocklint findings", kind=FIX_ALL, edit=lsp.WorkspaceEdit(document_changes=changes))

    def document_edit(self, uri: str, edits: list[lsp.TextEdit]) -> list:
        doc = self.open_documents().get(uri)
        version = doc.version if doc is not None else None
        return [lsp.TextDocumentEdit(lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits)]

    def ignore_edits(self, lint: Lint, patterns: list[str]) -> list:
        """Edits adding ``patterns`` to the ignore file of a Dockerfile's context (created when missing)."""
        if not patterns or lint.path is None or lint.context_dir is None:
            return []
        path = ignore_file_for(lint.context_dir, lint.path) or os.path.join(lint.context_dir, ".dockerignore")
        uri = from_fs_path(os.path.abspath(path))
        doc = self.open_documents().get(uri)
        created = doc is None and not os.path.isfile(path)
        if doc is not None:
            old = doc.source
        elif created:
            old = ""
        else:
            try:
                with open(path, encoding="utf-8", errors="replace", newline="") as fh:
                    old = fh.read()
            except OSError:
                return []
        new = fixing.extend_ignore(old, patterns)
        if new == old:
            return []
        edit = self.document_edit(uri, [Text(old, self.encoding()).replace_all(new)])
        return [lsp.CreateFile(uri=uri), *edit] if created else edit

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        uri = params.text_document.uri
        found = []
        for lint in self.lints.values():
            for entry in lint.entries.get(uri, ()):
                if entry.finding is not None and _contains(entry.diagnostic.range, params.position) and entry.finding.rule not in found:
                    found.append(entry.finding.rule)
        if not found:
            return None
        return lsp.Hover(lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(rule_help(lookup(r)) for r in sorted(found))))


def rule_help(rule) -> str:
    """Markdown for a hover: the rule's summary, its page's "Why" and "Use instead", and a link."""
    parts = dict(catalog.sections(rule.doc))
    out = [f"**{rule.id} {rule.slug}**: {rule.summary.rstrip('.')}."]
    for title in ("Why is this bad?", "Use instead"):
        if parts.get(title):
            out.append(f"**{title}**\n\n{parts[title]}")
    out.append(f"[{rule.id} documentation]({rule.url})")
    return "\n\n".join(out)


def make_server() -> Server:
    server = Server()

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: Server, params: lsp.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        watch = caps and caps.did_change_watched_files
        if watch and watch.dynamic_registration:
            watchers = [lsp.FileSystemWatcher(glob_pattern=g) for g in ("**/pyproject.toml", "**/.mldocklint.y*ml", "**/*.dockerignore", "**/.dockerignore", "**/*.txt", "**/*.py", "**/*.toml", "**/*.y*ml")]
            registration = lsp.Registration(id="mldocklint-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))
            try:
                await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))
            except Exception as e:  # the client refused: saved documents still count
                ls.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"mldocklint: cannot watch files: {e}"))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Server, params: lsp.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.is_dockerfile(uri):
            ls.lint(uri)
        else:
            ls.changed(uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Server, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri)
        if path is not None and os.path.basename(path) in config.NAMES:
            return  # configuration is read from disk: it counts once saved
        ls.changed(uri, DEBOUNCE)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: Server, params: lsp.DidSaveTextDocumentParams) -> None:
        context.forget()
        ls.changed(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Server, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        lint = ls.lints.pop(uri, None)
        if lint is not None:
            for target in sorted(set(lint.entries) | {uri}):
                ls.publish(target)
        elif not ls.is_dockerfile(uri):
            ls.changed(uri, 0)  # the file on disk counts again

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: Server, params: lsp.DidChangeConfigurationParams) -> None:
        ls.relint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: Server, params: lsp.DidChangeWatchedFilesParams) -> None:
        context.forget()
        if any(os.path.basename(to_fs_path(c.uri) or "") in config.NAMES for c in params.changes):
            ls.relint_all()
        else:  # files came, went or changed in some build context: read them again
            ls.schedule(sorted(ls.lints))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False))
    def code_action(ls: Server, params: lsp.CodeActionParams):
        return ls.guarded("code actions", ls.code_actions, params) or []

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: Server, params: lsp.HoverParams):
        return ls.guarded("hover", ls.hover, params)

    return server


def main() -> None:
    make_server().start_io()
