"""The rule catalogue: docstring sections, generated pages, runnable examples, CLI.

Examples that need a build context: a rule with ``NEEDS_CONTEXT`` may follow the
```dockerfile block of its Example or Use instead section with a ```text block listing
the context, one entry per line (lines starting with ``#`` are comments):

    app.py                        an empty file
    .dockerignore: .git/          a file holding this line; repeat the path for more lines
    data/                         an empty directory
    models/llm.safetensors (3 GB) a sparse file of that size (B, KB, MB, GB)

The Dockerfile is written as ``Dockerfile`` at the root of that context. Without a
```text block the context holds only the Dockerfile.

Suppression examples: the rules named by ``# mldocklint: ignore=`` comments in an
example are selected too, since a suppression is only unused when its rule ran.

Image rules (``SCOPE = "image"``) check built images, which a Dockerfile example cannot
stand for: their ```dockerfile blocks must parse, and nothing more is run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mldocklint import catalog
from mldocklint.engine import Linter, Options, Result
from mldocklint.rules import all_rules, family
from mldocklint.syntax.dockerfile import parse

ROOT = Path(__file__).resolve().parent.parent
RULES = list(all_rules().values())
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}


def test_every_rule_docstring_has_the_sections_in_order():
    for rule in RULES:
        titles = [t for t, _ in catalog.sections(rule.doc)]
        assert titles == list(catalog.SECTIONS), f"{rule.id}: sections are {titles}"
        body = dict(catalog.sections(rule.doc))
        for title in ("Example", "Use instead"):
            assert [lang for lang, _ in catalog.code_blocks(body[title])][:1] == ["dockerfile"], f"{rule.id}: {title} needs a ```dockerfile block"
        assert body["Fix"].lower().startswith(rule.fix), f"{rule.id}: the Fix section must start with {rule.fix.capitalize()}"


def test_generated_files_are_fresh():
    stale = catalog.stale(str(ROOT))
    assert stale == [], f"stale: {', '.join(stale)}; run `{catalog.COMMAND}`"


def test_catalogue_check_mode(tmp_path):
    (tmp_path / "README.md").write_text(f"# x\n{catalog.TABLE_START}\n{catalog.TABLE_END}\n")
    assert catalog.main(["--check", "--root", str(tmp_path)]) == 1
    assert catalog.main(["--root", str(tmp_path)]) == 0
    assert catalog.main(["--check", "--root", str(tmp_path)]) == 0
    assert (tmp_path / "rules" / "ML302.md").read_text() == catalog.page(all_rules()["ML302"])
    (tmp_path / "rules" / "ML999.md").write_text("old\n")
    assert catalog.stale(str(tmp_path)) == ["rules/ML999.md"]


def test_rule_urls_point_at_the_pages():
    for rule in RULES:
        assert rule.url.endswith(f"/rules/{rule.id}.md")
        assert (ROOT / "rules" / f"{rule.id}.md").is_file()


def test_docstring_examples_keep_their_continuations():
    """A backslash-newline in a plain docstring would vanish from the page: docstrings that have one are raw."""
    import ast

    for rule in RULES:
        path = ROOT / catalog.source_path(rule)
        src = path.read_text(encoding="utf-8")
        literal = ast.get_source_segment(src, ast.parse(src).body[0].value)
        if literal[0] not in "rR":
            ends = [len(line) - len(line.rstrip("\\")) for line in literal.splitlines()]
            assert all(n % 2 == 0 for n in ends), f"{path.name}: a line ends in `\\` in a non-raw docstring"


def test_page_shows_continuations_as_written():
    page = (ROOT / "rules" / "ML103.md").read_text(encoding="utf-8")
    assert "RUN apt-get update && apt-get install -y libgomp1 \\\n    && rm -rf /var/lib/apt/lists/*\n" in page


def _examples():
    for rule in RULES:
        # the page as shown, not the docstring: what a reader copies is what is run
        body = dict(catalog.sections(catalog.page(rule)))
        for title, fires in (("Example", True), ("Use instead", False)):
            blocks = catalog.code_blocks(body.get(title, ""))
            docker = next((text for lang, text in blocks if lang == "dockerfile"), None)
            listing = next((text for lang, text in blocks if lang == "text"), "")
            if docker is not None:
                yield pytest.param(rule, docker, listing, fires, id=f"{rule.id}-{title.replace(' ', '-').lower()}")


def make_context(root: Path, listing: str) -> None:
    for raw in listing.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        sized = re.fullmatch(r"(\S+)\s+\((\d+(?:\.\d+)?)\s*(B|KB|MB|GB)\)", line)
        path, _, content = line.partition(": ")
        target = root / (sized.group(1) if sized else path)
        if not content and line.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if sized:
            with open(target, "wb") as fh:
                fh.truncate(int(float(sized.group(2)) * _UNITS[sized.group(3)]))
        else:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(content + "\n" if content else "")


@pytest.mark.parametrize("rule, text, listing, fires", list(_examples()))
def test_page_examples(rule, text, listing, fires, tmp_path):
    if rule.scope == "image":
        # an image rule's Dockerfile example only shows how such an image is built
        parse(text)
        return
    make_context(tmp_path, listing)
    (tmp_path / "Dockerfile").write_text(text)
    result = Result()
    named = re.findall(r"mldocklint:\s*(?:global\s+)?ignore=([\w,-]+)", text)
    linter = Linter(Options(select=[rule.id, *named], inline_suppressions=True))
    found = linter.lint_text(text, "Dockerfile", result, str(tmp_path), str(tmp_path / "Dockerfile"))
    assert result.errors == []
    got = [(f.rule, f.line, f.message) for f in found if f.suppressed is None]
    if fires:
        assert got and all(family(r) == rule.id for r, _, _ in got), f"{rule.id} Example: {got}"
    else:
        assert got == [], f"{rule.id} Use instead: {got}"


# -- the command line --------------------------------------------------------------------


def _cli(*args):
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    return subprocess.run([sys.executable, "-m", "mldocklint", *args], capture_output=True, text=True, env=env)


def test_rules_command_plain_and_json():
    plain = _cli("rules")
    assert plain.returncode == 0
    lines = plain.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in RULES]
    assert lines[[r.id for r in RULES].index("ML302")].split()[:5] == ["ML302", "root-user", "error", "runtime", "unsafe"]
    data = json.loads(_cli("rules", "--format", "json").stdout)
    assert [d["id"] for d in data] == [r.id for r in RULES]
    ml302 = next(d for d in data if d["id"] == "ML302")
    assert (ml302["slug"], ml302["fix"], ml302["url"]) == ("root-user", "unsafe", all_rules()["ML302"].url)


def test_explain_prints_the_page_by_id_or_slug():
    page = catalog.page(all_rules()["ML302"]).split("\n", 1)[1]
    for name in ("ML302", "ml302", "root-user"):
        proc = _cli("explain", name)
        assert (proc.returncode, proc.stdout) == (0, page)


def test_explain_unknown_rule():
    proc = _cli("explain", "ML999")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "mldocklint: error: unknown rule `ML999`; `mldocklint rules` lists them\n"
