"""``mldocklint server`` driven by a real LSP client (pytest-lsp) over stdio, as an editor would."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pygls.uris import from_fs_path

from mldocklint.rules import all_rules

pytestmark = pytest.mark.asyncio

SERVER = [sys.executable, "-m", "mldocklint", "server"]
# The same server with rule ML305 and the fixer of ML303 replaced by ones that raise, as bugs would.
CRASHING = [
    sys.executable,
    "-c",
    textwrap.dedent(
        """
        from mldocklint import rules
        from mldocklint.fixes import ml303
        def boom(target, options):
            raise RuntimeError("rule exploded")
            yield
        def bad_fix(target, finding):
            raise ValueError("fixer exploded")
        table = rules.all_rules()
        table["ML305"] = table["ML305"]._replace(check=boom)
        ml303.fix = bad_fix
        from mldocklint.server import main
        main()
        """
    ),
]

DOCKERFILE = """\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app.py .
CMD python app.py
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    (tmp_path / "app.py").write_text("print('hello')\n")
    (tmp_path / ".dockerignore").write_text(".git\n")
    return tmp_path


async def _start(lsp_client: LanguageClient, project):
    lsp_client.registrations = []

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams):
        lsp_client.registrations += params.registrations

    await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=from_fs_path(str(project)), workspace_folders=[lsp.WorkspaceFolder(from_fs_path(str(project)), "project")])
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, project):
    await _start(lsp_client, project)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env={**os.environ, "MLDOCKLINT_SERVER_DEBOUNCE_MS": "400"}))
async def patient(lsp_client: LanguageClient, project):
    """A server that waits 400 ms after a change: a burst of edits is one change on any machine."""
    await _start(lsp_client, project)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=CRASHING))
async def crashing(lsp_client: LanguageClient, project):
    await _start(lsp_client, project)
    yield
    await lsp_client.shutdown_session()


# -- helpers ------------------------------------------------------------------------------


async def published(client: LanguageClient, uri: str, until=lambda ds: True, timeout: float = 10.0) -> list[lsp.Diagnostic]:
    """The diagnostics of ``uri`` once a publication for it satisfies ``until``."""

    async def wait():
        while uri not in client.diagnostics or not until(client.diagnostics[uri]):
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), timeout)


def found(diagnostics) -> list[tuple]:
    """(code, start line, start character, end line, end character) of each diagnostic, sorted."""
    return sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in diagnostics)


def codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)


def open_doc(client: LanguageClient, path, text: str, language: str = "dockerfile") -> str:
    uri = from_fs_path(str(path))
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


def replace(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [lsp.TextDocumentContentChangeWholeDocument(text=text)]))


def offset(text: str, pos: lsp.Position) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: pos.line]) + pos.character


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(text, e.range.start)] + e.new_text + text[offset(text, e.range.end) :]
    return text


def edits_for(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    return [e for change in action.edit.document_changes if isinstance(change, lsp.TextDocumentEdit) and change.text_document.uri == uri for e in change.edits]


async def actions(client: LanguageClient, uri: str, diagnostic: lsp.Diagnostic | None, only=None) -> list[lsp.CodeAction]:
    rng = diagnostic.range if diagnostic else lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
    params = lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), rng, lsp.CodeActionContext(diagnostics=[diagnostic] if diagnostic else [], only=only))
    return await client.text_document_code_action_async(params)


def the(diagnostics, code: str) -> lsp.Diagnostic:
    (d,) = [d for d in diagnostics if d.code == code]
    return d


# -- diagnostics ----------------------------------------------------------------------------


async def test_shellcheck_findings_link_to_shellcheck_s_wiki_and_hover(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", 'FROM debian:12\nRUN cd /src; make\nUSER 1000\nCMD ["make"]\n')
    diagnostics = await published(client, uri, lambda ds: any(str(d.code) == "SC2164" for d in ds))
    sc = the(diagnostics, "SC2164")
    assert (sc.range.start.line, sc.range.start.character) == (1, 4)
    assert sc.code_description.href == "https://www.shellcheck.net/wiki/SC2164"
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(1, 5)))
    assert "ShellCheck" in hover.contents.value


async def test_open_publishes_the_findings_at_their_exact_ranges(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    diagnostics = await published(client, uri)
    assert found(diagnostics) == [
        ("ML105", 3, 8, 3, 15),  # `install` on line 4
        ("ML301", 0, 0, 0, 21),
        ("ML302", 0, 0, 0, 21),
        ("ML303", 5, 0, 5, 17),
    ]
    ml302 = the(diagnostics, "ML302")
    assert ml302.severity == lsp.DiagnosticSeverity.Error
    assert ml302.source == "mldocklint"
    assert ml302.code_description.href == all_rules()["ML302"].url
    assert ml302.message.startswith("no USER in the final stage")
    assert the(diagnostics, "ML105").severity == lsp.DiagnosticSeverity.Warning


async def test_a_change_is_linted_again(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    await published(client, uri)
    changed = DOCKERFILE.replace("CMD python app.py", 'USER 1000\nCMD ["python", "app.py"]')
    replace(client, uri, changed, 2)
    diagnostics = await published(client, uri, lambda ds: "ML302" not in codes(ds))
    assert found(diagnostics) == [("ML105", 3, 8, 3, 15), ("ML301", 0, 0, 0, 21)]


async def test_columns_are_utf16_and_incremental_changes_apply(client: LanguageClient, project):
    line = 'RUN echo "🐳" && pip install flask'
    uri = open_doc(client, project / "Dockerfile", f"FROM python:3.11-slim\n{line}\n")
    start = line.index("install") + 1  # the whale is two UTF-16 code units
    end = len(line) + 1
    diagnostics = await published(client, uri)
    assert [f for f in found(diagnostics) if f[0] == "ML105"] == [("ML105", 1, start, 1, start + 7)]
    assert [f for f in found(diagnostics) if f[0] == "ML202"] == [("ML202", 1, 0, 1, end)]  # the whole RUN
    pin = lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(1, end), lsp.Position(1, end)), text="==3.0.3")
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), [pin]))
    diagnostics = await published(client, uri, lambda ds: "ML202" not in codes(ds))
    assert the(diagnostics, "ML105").range.start == lsp.Position(1, line.index("install") + 1)


async def test_an_unparseable_dockerfile_gets_ML000_and_the_server_keeps_serving(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", "FROM python:3.11-slim\nRUN <<EOF\necho never closed\n")
    diagnostics = await published(client, uri)
    assert codes(diagnostics) == ["ML000"]
    replace(client, uri, DOCKERFILE, 2)
    diagnostics = await published(client, uri, lambda ds: "ML000" not in codes(ds))
    assert codes(diagnostics) == ["ML105", "ML301", "ML302", "ML303"]


async def test_a_document_over_the_size_limit_is_refused_with_one_diagnostic(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", "FROM python:3.11-slim\n" + "ENV A=1\n" * (520 * 1024))
    diagnostics = await published(client, uri)
    assert [(d.code, d.range.start.line, d.message) for d in diagnostics] == [("ML000", 0, "mldocklint could not lint this file: larger than 4 MiB: too big for a Dockerfile, not linted")]
    replace(client, uri, DOCKERFILE, 2)
    assert codes(await published(client, uri, lambda ds: "ML000" not in codes(ds))) == ["ML105", "ML301", "ML302", "ML303"]

async def test_a_crashing_rule_is_logged_and_shown_and_the_others_still_report(crashing: LanguageClient, project):
    client = crashing
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    diagnostics = await published(client, uri)
    assert codes(diagnostics) == ["ML000", "ML105", "ML301", "ML302", "ML303"]
    error = the(diagnostics, "ML000")
    assert error.message == "mldocklint could not lint this file: internal error in rule ML305 (localhost-binding): RuntimeError: rule exploded"
    assert (error.range.start.line, error.severity) == (0, lsp.DiagnosticSeverity.Error)
    assert [m.message for m in client.log_messages if m.type == lsp.MessageType.Error] == [
        f"mldocklint: {project / 'Dockerfile'}: internal error in rule ML305 (localhost-binding): RuntimeError: rule exploded"
    ]
    replace(crashing, uri, DOCKERFILE.replace("CMD python app.py", 'CMD ["python", "app.py"]'), 2)
    diagnostics = await published(client, uri, lambda ds: "ML303" not in codes(ds))
    assert codes(diagnostics) == ["ML000", "ML105", "ML301", "ML302"]


# -- code actions ---------------------------------------------------------------------------


async def test_a_crashing_fixer_is_logged_and_the_other_actions_remain(crashing: LanguageClient, project):
    client = crashing
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    ml303 = the(await published(client, uri), "ML303")
    found_actions = await actions(client, uri, ml303)
    assert [a.title for a in found_actions] == ["Suppress ML303 (shell-form-cmd) on this instruction, with a reason"]
    errors = [m.message for m in client.log_messages if m.type == lsp.MessageType.Error]
    assert "mldocklint: fixing ML303 failed: ValueError: fixer exploded" in errors
    assert "mldocklint: fix all failed: ValueError: fixer exploded" in errors


async def test_a_quick_fix_edit_applied_clears_the_finding(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    ml303 = the(await published(client, uri), "ML303")
    found_actions = await actions(client, uri, ml303, only=[lsp.CodeActionKind.QuickFix])
    assert [a.title for a in found_actions] == ["Fix ML303 (shell-form-cmd)", "Suppress ML303 (shell-form-cmd) on this instruction, with a reason"]
    fix = found_actions[0]
    assert (fix.kind, fix.is_preferred, [d.code for d in fix.diagnostics]) == (lsp.CodeActionKind.QuickFix, True, ["ML303"])
    fixed = apply(DOCKERFILE, edits_for(fix, uri))
    assert fixed == DOCKERFILE.replace("CMD python app.py", 'CMD ["python", "app.py"]')
    replace(client, uri, fixed, 2)
    diagnostics = await published(client, uri, lambda ds: "ML303" not in codes(ds))
    assert codes(diagnostics) == ["ML105", "ML301", "ML302"]


async def test_an_unsafe_fix_says_so_and_is_not_preferred(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    ml302 = the(await published(client, uri), "ML302")
    (fix,) = [a for a in await actions(client, uri, ml302, only=[lsp.CodeActionKind.QuickFix]) if a.title.startswith("Fix ML302")]
    assert (fix.title, fix.is_preferred) == ("Fix ML302 (root-user) (unsafe)", False)
    assert apply(DOCKERFILE, edits_for(fix, uri)) == DOCKERFILE.replace("CMD python", "RUN useradd --create-home --uid 1000 modeluser\nUSER modeluser\nCMD python")


async def test_suppress_with_a_reason_inserts_the_pragma_above_the_instruction(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    ml105 = the(await published(client, uri), "ML105")
    suppress = (await actions(client, uri, ml105, only=[lsp.CodeActionKind.QuickFix]))[1]
    assert suppress.title == "Suppress ML105 (pip-cache-kept) on this instruction, with a reason"
    edited = apply(DOCKERFILE, edits_for(suppress, uri))
    assert edited == DOCKERFILE.replace("RUN pip", "# mldocklint: ignore=ML105 -- \nRUN pip")
    replace(client, uri, edited.replace("-- \n", "-- the cache mount is cleared by CI\n"), 2)
    diagnostics = await published(client, uri, lambda ds: "ML105" not in codes(ds))
    assert codes(diagnostics) == ["ML301", "ML302", "ML303"]


async def test_fix_all_applies_every_safe_fix_like_check_fix(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    await published(client, uri)
    (fix_all,) = await actions(client, uri, None, only=["source.fixAll"])
    assert (fix_all.kind, fix_all.title) == ("source.fixAll.mldocklint", "Fix all safe mldocklint findings")
    fixed = apply(DOCKERFILE, edits_for(fix_all, uri))
    assert fixed == textwrap.dedent(
        """\
        FROM python:3.11-slim
        ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY app.py .
        CMD ["python", "app.py"]
        """
    )
    replace(client, uri, fixed, 2)
    diagnostics = await published(client, uri, lambda ds: codes(ds) == ["ML302"])
    assert found(diagnostics) == [("ML302", 0, 0, 0, 21)]
    assert not await actions(client, uri, None, only=["source.fixAll.mldocklint"])


async def test_fix_all_creates_the_missing_dockerignore(client: LanguageClient, project):
    (project / ".dockerignore").unlink()
    text = 'FROM python:3.11-slim\nENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1\nCOPY . .\nUSER 1000\nCMD ["python", "app.py"]\n'
    uri = open_doc(client, project / "Dockerfile", text)
    assert "ML501" in codes(await published(client, uri))
    (fix_all,) = await actions(client, uri, None, only=["source.fixAll.mldocklint"])
    ignore_uri = from_fs_path(str(project / ".dockerignore"))
    create, edit = fix_all.edit.document_changes
    assert (create.kind, create.uri) == ("create", ignore_uri)
    assert edit.text_document.uri == ignore_uri and ".git" in edit.edits[0].new_text.splitlines()


# -- hover ----------------------------------------------------------------------------------


async def test_hover_on_a_finding_shows_the_rule_summary_why_and_use_instead(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    await published(client, uri)
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(5, 4)))
    value = hover.contents.value
    assert hover.contents.kind == lsp.MarkupKind.Markdown
    assert value.startswith(f"**ML303 shell-form-cmd**: {all_rules()['ML303'].summary.rstrip('.')}.\n\n**Why is this bad?**\n\n")
    assert "**Why is this bad?**" in value and "**Use instead**" in value and 'CMD ["' in value
    assert value.endswith(f"[ML303 documentation]({all_rules()['ML303'].url})")
    assert await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(1, 3))) is None


# -- configuration and context --------------------------------------------------------------


async def test_a_configuration_change_lints_open_documents_again(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    assert "ML302" in codes(await published(client, uri))
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.mldocklint]\nignore = ["root-user"]\n')
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([lsp.FileEvent(from_fs_path(str(pyproject)), lsp.FileChangeType.Created)]))
    diagnostics = await published(client, uri, lambda ds: "ML302" not in codes(ds))
    assert codes(diagnostics) == ["ML105", "ML301", "ML303"]
    pyproject.write_text('[tool.mldocklint]\nselect = ["ML3"]\n')
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={}))
    diagnostics = await published(client, uri, lambda ds: "ML105" not in codes(ds))
    assert codes(diagnostics) == ["ML301", "ML302", "ML303"]


async def test_a_bad_configuration_is_shown_and_the_defaults_are_used(client: LanguageClient, project):
    (project / ".mldocklint.yaml").write_text("select: [ML999]\n")
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    diagnostics = await published(client, uri)
    assert codes(diagnostics) == ["ML000", "ML105", "ML301", "ML302", "ML303"]
    assert the(diagnostics, "ML000").message.startswith(f"mldocklint could not lint this file: {project / '.mldocklint.yaml'}: select: ")


async def test_an_unsaved_requirements_buffer_is_linted_through_the_dockerfile(client: LanguageClient, project):
    req = open_doc(client, project / "requirements.txt", "flask==3.0.3\nnumpy\n", "pip-requirements")
    diagnostics = await published(client, req)  # the Dockerfile on disk installs it
    assert found(diagnostics) == [("ML201", 1, 0, 1, 5)]
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=req, version=2), [lsp.TextDocumentContentChangeWholeDocument(text="flask==3.0.3\nnumpy==2.1.0\n")])
    )
    assert await published(client, req, lambda ds: not ds) == []


async def test_an_unsaved_dockerignore_buffer_is_what_the_context_rules_read(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    assert "ML504" not in codes(await published(client, uri))
    ignore = open_doc(client, project / ".dockerignore", ".git\napp.py\n", "ignore")
    diagnostics = await published(client, uri, lambda ds: "ML504" in codes(ds))
    assert [f for f in found(diagnostics) if f[0] == "ML504"] == [("ML504", 4, 5, 4, 11)]
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(ignore)))
    diagnostics = await published(client, uri, lambda ds: "ML504" not in codes(ds))
    assert codes(diagnostics) == ["ML105", "ML301", "ML302", "ML303"]


async def test_closing_a_dockerfile_clears_its_diagnostics(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    await published(client, uri)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
    assert await published(client, uri, lambda ds: not ds) == []


async def test_the_server_watches_configuration_and_context_files(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    await published(client, uri)
    (registration,) = client.registrations
    assert registration.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [w["globPattern"] for w in registration.register_options["watchers"]]
    assert {"**/pyproject.toml", "**/.mldocklint.y*ml", "**/.dockerignore", "**/*.txt"} <= set(globs)


async def test_saving_a_configuration_document_lints_again(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    assert "ML303" in codes(await published(client, uri))
    conf = project / ".mldocklint.yaml"
    conf_uri = open_doc(client, conf, "", "yaml")
    conf.write_text("ignore: [shell-form-cmd]\n")
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(conf_uri)))
    diagnostics = await published(client, uri, lambda ds: "ML303" not in codes(ds))
    assert codes(diagnostics) == ["ML105", "ML301", "ML302"]


async def test_changes_typed_in_a_burst_are_linted_once(patient: LanguageClient, project):
    client = patient
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    await published(client, uri)
    steps = [
        DOCKERFILE.replace("CMD python app.py", 'CMD ["python", "app.py"]'),
        DOCKERFILE.replace("CMD python app.py", 'USER 1000\nCMD ["python", "app.py"]'),
        DOCKERFILE.replace("RUN pip install", "RUN pip install --no-cache-dir").replace("CMD python app.py", 'USER 1000\nCMD ["python", "app.py"]'),
    ]
    for version, text in enumerate(steps, start=2):
        replace(client, uri, text, version)
    await asyncio.wait_for(client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10)
    assert codes(client.diagnostics[uri]) == ["ML301"]  # the first publication is of the last text



async def test_served_notifications_are_not_kept():
    """pygls keeps a future per notification its built-in handlers serve; the server drops them."""
    from mldocklint.server import make_server

    protocol = make_server().protocol
    for _ in range(5):
        protocol._handle_notification(lsp.SET_TRACE, lsp.SetTraceParams(lsp.TraceValue.Off))
    assert protocol._request_futures == {}


async def test_an_unsaved_new_dockerfile_is_linted_without_a_build_context(client: LanguageClient, project):
    uri = "untitled:Untitled-1"
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=DOCKERFILE)))
    diagnostics = await published(client, uri)
    assert codes(diagnostics) == ["ML105", "ML301", "ML302", "ML303"]  # no ML501: there is no context to judge


async def test_a_file_deleted_from_the_context_is_noticed(client: LanguageClient, project):
    uri = open_doc(client, project / "Dockerfile", DOCKERFILE)
    assert "ML504" not in codes(await published(client, uri))
    (project / "app.py").unlink()
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([lsp.FileEvent(from_fs_path(str(project / "app.py")), lsp.FileChangeType.Deleted)]))
    diagnostics = await published(client, uri, lambda ds: "ML504" in codes(ds))
    assert [f for f in found(diagnostics) if f[0] == "ML504"] == [("ML504", 4, 5, 4, 11)]


async def test_context_rules_read_unsaved_buffers_instead_of_the_files(project):
    """What the server passes the engine: ``Options.buffers``, by absolute path."""
    from mldocklint.engine import Linter, Options, Result

    dockerfile = str(project / "Dockerfile")

    def lint(buffers: dict) -> list[tuple]:
        linter = Linter(Options(buffers={os.path.realpath(project / name): text for name, text in buffers.items()}))
        findings = linter.lint_text(DOCKERFILE, dockerfile, Result(), str(project), dockerfile)
        return sorted((f.rule, os.path.basename(f.path), f.line, f.column) for f in findings if f.rule in ("ML201", "ML504"))

    assert lint({}) == []
    assert lint({".dockerignore": ".git\napp.py\n", "requirements.txt": "flask\n"}) == [("ML201", "requirements.txt", 1, 1), ("ML504", "Dockerfile", 5, 6)]
    assert lint({}) == []  # the context walked with the unsaved ignore file is not reused with the saved one
