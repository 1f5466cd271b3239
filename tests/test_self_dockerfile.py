"""mldocklint's own Dockerfile is a good Dockerfile: every rule passes it."""

from __future__ import annotations

from pathlib import Path

from mldocklint import rules
from mldocklint.engine import Options, lint

ROOT = Path(__file__).resolve().parent.parent


def test_own_dockerfile_has_no_findings():
    options = Options(select=["ALL"])
    assert {r.id for r in options.enabled()} == {r.id for r in rules.all_rules().values() if r.scope == "dockerfile"}
    result = lint([str(ROOT / "Dockerfile")], options)  # the context is the repository root
    assert result.errors == []
    assert [(f.rule, f.line, f.message) for f in result.findings] == []
    assert result.files == 1


def test_image_dependencies_are_pinned():
    pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all("==" in p for p in pins)
    names = {p.split("==")[0].lower() for p in pins}
    assert {"click", "dockerfile-parse", "docker", "packaging", "pyyaml", "rich"} <= names
