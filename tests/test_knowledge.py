"""The knowledge tables: credential files by name and marker; no import circles."""

import ast
import os

import pytest

from mldocklint.knowledge import secret_files as sf

ROOT = os.path.join(os.path.dirname(__file__), "..")


@pytest.mark.parametrize(
    "path, kind",
    [
        (".env", "dotenv"),
        ("app/.env.production", "dotenv"),
        ("config/prod.env", "dotenv"),
        ("home/.ssh/id_ed25519", "ssh-private-key"),
        ("certs/server.key", "private-key"),
        ("certs/tls.pem", "private-key"),
        ("root/.aws/credentials", "aws-credentials"),
        (".netrc", "netrc"),
        (".git-credentials", "git-credentials"),
        (".npmrc", "npmrc-token"),
        (".pypirc", "pypirc-password"),
        ("root/.cache/huggingface/token", "huggingface-token"),
        ("kaggle.json", "kaggle"),
        ("keys/sa.json", "gcp-service-account"),
        ("root/.docker/config.json", "docker-config"),
        ("bundle.p12", "keystore"),
    ],
)
def test_credential_files_by_name(path, kind):
    assert sf.by_name(path).id == kind


@pytest.mark.parametrize("path", [".env.example", ".env.sample", "app/.env.template", "id_rsa.pub", "src/token.py", "aws/config.py", "environment.yml", "README.md"])
def test_templates_public_keys_and_code_are_not_credentials(path):
    entry = sf.by_name(path)
    assert entry is None or entry.id == "gcp-service-account" and not path.endswith(".json")


@pytest.mark.parametrize(
    "path, head, found",
    [
        ("server.key", b"-----BEGIN RSA PRIVATE KEY-----\nMIIE", True),
        ("server.pem", b"-----BEGIN CERTIFICATE-----\nMIID", False),
        ("sa.json", b'{\n  "type": "service_account",\n  "project_id": "x"', True),
        ("labels.json", b'{"type": "classification", "labels": []}', False),
        (".npmrc", b"//registry.npmjs.org/:_authToken=abc\n", True),
        (".npmrc", b"registry=https://registry.npmjs.org/\n", False),
        (".env", b"# settings\nexport HF_TOKEN=hf_notarealtoken\n", True),
        (".env", b"# nothing set here\n", False),
        (".env", b"MODEL_NAME=bert-base-uncased\nOPENAI_API_KEY=<your key>\nHF_TOKEN=\n", False),  # settings, placeholders
        ("config.json", b'{"auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz"}}}', False),
        (".docker/config.json", b'{"auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz"}}}', True),
        (".docker/config.json", b'{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}', False),
    ],
)
def test_markers_decide_where_the_name_is_not_enough(path, head, found):
    entry = sf.by_name(path)
    assert (entry is not None and sf.confirmed(entry, head)) is found


def test_every_row_cites_a_source():
    assert all(e.source and e.what for e in sf.TABLE)
    assert len({e.id for e in sf.TABLE}) == len(sf.TABLE)


def _imports(path):
    """mldocklint modules a file imports, at any depth (lazy imports included)."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mldocklint"):
            yield node.module
            for a in node.names:
                yield f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("mldocklint"))


def test_no_import_circle():
    """Shared helpers live below the modules that use them: the import graph has no cycle."""
    mods = {}
    for dp, _, files in os.walk(os.path.join(ROOT, "mldocklint")):
        for f in files:
            if f.endswith(".py"):
                p = os.path.join(dp, f)
                mods[os.path.relpath(p, ROOT)[:-3].replace(os.sep, ".").removesuffix(".__init__")] = p
    graph = {m: {i for i in _imports(p) if i in mods and i != m} for m, p in mods.items()}
    state: dict[str, int] = {}

    def visit(m, trail):
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                raise AssertionError("import circle: " + " -> ".join(trail[trail.index(n):] + [n]))
            if n not in state:
                visit(n, trail + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_knowledge_is_below_the_rules():
    """Knowledge tables import nothing from rules, the engine or the command line."""
    for f in os.listdir(os.path.join(ROOT, "mldocklint", "knowledge")):
        if f.endswith(".py"):
            bad = [i for i in _imports(os.path.join(ROOT, "mldocklint", "knowledge", f)) if i.startswith(("mldocklint.rules", "mldocklint.engine", "mldocklint.cli", "mldocklint.context"))]
            assert bad == [], f
