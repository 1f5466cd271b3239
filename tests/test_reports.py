"""SARIF (validated against the official 2.1.0 schema), GitHub and GitLab output."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

from mldocklint.engine import Options, lint
from mldocklint.report import ReportContext, render

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BAD = 'FROM python:3.11-slim\nCMD python app.py\n'


def report(fmt: str, result) -> str:
    out = io.StringIO()
    render(fmt, result, out, ReportContext(version="9.9.9"))
    return out.getvalue()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(paths, **kw):
    return lint(paths, Options(select=["ML302", "ML303", "ML900"], **kw))


def sarif(result) -> dict:
    doc = json.loads(report("sarif", result))
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(doc)
    return doc


def test_sarif_several_dockerfiles_relative_to_repository_root(repo):
    (repo / "svc" / "api").mkdir(parents=True)
    (repo / "svc" / "api" / "Dockerfile").write_text(BAD)
    (repo / "gpu train.Dockerfile").write_text("FROM python:3.11-slim\nUSER 1000\nCMD python t.py\n")
    os.chdir(repo / "svc")  # paths are shown relative to here, but SARIF URIs to the repository root
    doc = sarif(run(["api/Dockerfile", "../gpu train.Dockerfile"]))
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("mldocklint", "9.9.9")
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["ML302", "ML303"]
    rule = driver["rules"][0]
    assert rule["name"] == "root-user"
    assert rule["helpUri"].endswith("/rules/ML302.md")
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["help"]["markdown"].startswith("## What it does")
    assert "non-root" in rule["fullDescription"]["text"]
    got = [
        (r["ruleId"], r["ruleIndex"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
         r["locations"][0]["physicalLocation"]["region"])
        for r in run_["results"]
    ]
    assert got == [
        ("ML303", 1, "warning", "gpu%20train.Dockerfile", "%SRCROOT%", {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 16}),
        ("ML302", 0, "error", "svc/api/Dockerfile", "%SRCROOT%", {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 22}),
        ("ML303", 1, "warning", "svc/api/Dockerfile", "%SRCROOT%", {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 18}),
    ]


def test_sarif_fingerprints_survive_moved_lines(repo):
    (repo / "Dockerfile").write_text(BAD)
    before = sarif(run(["Dockerfile"]))["runs"][0]["results"]
    (repo / "Dockerfile").write_text("# a new comment\n\n" + BAD.replace("\n", "\n\n"))
    after = sarif(run(["Dockerfile"]))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [3, 5]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    assert len({r["partialFingerprints"]["mldocklint/v1"] for r in after}) == 2


def test_sarif_keeps_suppressed_findings_and_other_formats_drop_them(repo):
    (repo / "Dockerfile").write_text("FROM python:3.11-slim\n# mldocklint: ignore=ML303 -- needs $PORT\nCMD python app.py\n")
    result = run(["Dockerfile"])
    results = sarif(result)["runs"][0]["results"]
    assert [(r["ruleId"], r.get("suppressions")) for r in results] == [
        ("ML302", None),
        ("ML303", [{"kind": "inSource", "status": "accepted", "justification": "needs $PORT"}]),
    ]
    assert [f["rule"] for f in json.loads(report("json", result))["findings"]] == ["ML302"]
    assert [i["check_name"] for i in json.loads(report("gitlab", result))] == ["ML302 root-user"]
    assert report("github", result).count("\n") == 1


def test_sarif_reports_unreadable_files_as_notifications(repo):
    (repo / "Dockerfile").write_text(BAD)
    doc = sarif(run(["Dockerfile", "missing/Dockerfile"]))
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["message"]["text"] == "no such file or directory"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing/Dockerfile"


def test_sarif_file_outside_the_repository_gets_an_absolute_uri(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "Dockerfile"
    outside.write_text(BAD)
    loc = sarif(run([str(outside)]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": outside.resolve().as_uri()}


def test_github_escapes_data_and_properties():
    from mldocklint.report.github import escape_data, escape_property

    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("dir:x,y/50%\n") == "dir%3Ax%2Cy/50%25%0A"


def test_github_annotations(repo):
    (repo / "a,b:c.Dockerfile").write_text(BAD)
    assert report("github", run(["a,b:c.Dockerfile"])).splitlines() == [
        "::error file=a%2Cb%3Ac.Dockerfile,line=1,col=1,endLine=1,endColumn=22,title=ML302 root-user::"
        "no USER in the final stage: the container runs as root; add a non-root user and `USER` it",
        "::warning file=a%2Cb%3Ac.Dockerfile,line=2,col=1,endLine=2,endColumn=18,title=ML303 shell-form-cmd::"
        'CMD in shell form runs under /bin/sh, which does not forward SIGTERM; use exec form: CMD ["...", "..."]',
    ]


def test_gitlab_code_quality_fields(repo):
    (repo / "app").mkdir()
    (repo / "app" / "Dockerfile").write_text(BAD)
    os.chdir(repo / "app")
    issues = json.loads(report("gitlab", run(["Dockerfile"], severity={"ML303": "info"})))
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("ML302 root-user", "major", {"path": "app/Dockerfile", "lines": {"begin": 1, "end": 1}}),
        ("ML303 shell-form-cmd", "info", {"path": "app/Dockerfile", "lines": {"begin": 2, "end": 2}}),
    ]
    assert all(i["description"] and len(i["fingerprint"]) == 16 for i in issues)
    assert len({i["fingerprint"] for i in issues}) == 2


def test_golden_sarif_is_valid_and_keeps_suppressed_findings():
    doc = json.loads((Path(__file__).parent / "golden" / "rich.sarif").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(doc)
    results = doc["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], "suppressions" in r) for r in results] == [
        ("ML900", 4, False), ("ML303", 9, True), ("ML900", 13, False), ("ML303", 14, True),
        ("ML303", 15, False), ("ML900", 16, False), ("ML302", 17, False),
    ]
