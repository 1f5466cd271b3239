"""The real-world corpus manifest (bench/realworld) and the pure parts of its scripts.

Needs none of the fetched files. The exclusion list lives outside the clone, in
`../shared/corpus-exclude.txt` beside it (a worktree may sit one level deeper); with CI=true
its absence is a failure.
"""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench", "realworld"))

import extract  # noqa: E402
import lint  # noqa: E402

MANIFEST = os.path.join(ROOT, "bench", "realworld", "manifest.tsv")
HEADER = "repo\tpath\tcommit\tsha256\ttags\n"
SHA = "a" * 64
COMMIT = "b" * 40


def exclusion_list() -> set[str]:
    for up in (os.path.dirname(ROOT), os.path.dirname(os.path.dirname(ROOT))):
        path = os.path.join(up, "shared", "corpus-exclude.txt")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return {line.strip().lower() for line in fh if line.strip() and not line.startswith("#")}
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but ../shared/corpus-exclude.txt is not beside the clone")
    pytest.skip("../shared/corpus-exclude.txt is not beside this clone")


def test_manifest_rows_are_well_formed_and_unique():
    rows = extract.read_manifest(MANIFEST)
    keys = [(r["repo"].lower(), r["path"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_manifest_meets_the_corpus_size_the_issue_asks():
    rows = extract.read_manifest(MANIFEST)
    dockerfiles = [r for r in rows if "dockerfile" in r["tags"].split(",")]
    assert len(dockerfiles) >= 150
    assert len({r["repo"].lower() for r in dockerfiles}) >= 80
    assert len([r for r in rows if r["path"] == "."]) >= 15


def test_manifest_uses_no_repository_kept_for_the_independent_evaluation():
    excluded = exclusion_list()
    assert excluded  # the list was read
    used = {r["repo"] for r in extract.read_manifest(MANIFEST)}
    assert sorted(r for r in used if r.lower() in excluded) == []


@pytest.mark.parametrize(
    "row, problem",
    [
        (f"a/b\tDockerfile\t{COMMIT}\t{SHA}\tdockerfile", None),
        (f"a/b\t.\t{COMMIT}\t{COMMIT}\tfull", None),
        (f"ab\tDockerfile\t{COMMIT}\t{SHA}\tdockerfile", "2: repo 'ab' is not owner/name"),
        (f"a/b\t../Dockerfile\t{COMMIT}\t{SHA}\tdockerfile", "2: path '../Dockerfile' is not a normalised relative path"),
        (f"a/b\tDockerfile\tHEAD\t{SHA}\tdockerfile", "2: commit 'HEAD' is not 40 hex digits"),
        (f"a/b\t.\t{COMMIT}\t{SHA}\tfull", "2: sha256 column '" + SHA + "' must be 40 hex digits (the root tree id)"),
        (f"a/b\tsrc\t{COMMIT}\t{COMMIT}\tfull", "2: a `full` row has path `.` and only a full row has"),
        (f"a/b\tDockerfile\t{COMMIT}\t{SHA}\tgpu", "2: tags must include dockerfile, support or full"),
        (f"a/b\tDockerfile\t{COMMIT}\t{SHA}", "2: expected 5 tab-separated columns, got 4"),
    ],
)
def test_read_manifest_names_the_line_and_the_problem(tmp_path, row, problem):
    path = tmp_path / "manifest.tsv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    if problem is None:
        assert [r["repo"] for r in extract.read_manifest(str(path))] == ["a/b"]
    else:
        with pytest.raises(ValueError) as info:
            extract.read_manifest(str(path))
        assert str(info.value) == f"{path}:{problem}"


def test_read_manifest_rejects_a_wrong_header(tmp_path):
    path = tmp_path / "manifest.tsv"
    path.write_text("repo\tpath\tsha256\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r":1: header must be the columns"):
        extract.read_manifest(str(path))


def test_git_dirs_are_found_by_owner_plus_name_folders(tmp_path):
    for name in ("Org+Repo", "other+thing"):
        git_dir = tmp_path / name / "repo"
        (git_dir / "objects").mkdir(parents=True)
        (git_dir / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "not+a-repo").mkdir()
    found = extract.find_git_dirs([str(tmp_path)])
    assert found == {"org/repo": str(tmp_path / "Org+Repo" / "repo"), "other/thing": str(tmp_path / "other+thing" / "repo")}


def finding(rule: str, path: str, line: int) -> dict:
    return {"rule": rule, "path": path, "line": line, "column": 1, "message": "m"}


def test_counts_give_findings_and_distinct_files_per_rule():
    found = [finding("ML101", "a/Dockerfile", 1), finding("ML101", "a/Dockerfile", 4), finding("ML101", "b/Dockerfile", 2),
             finding("ML302", "b/Dockerfile", 1)]
    assert lint.counts(found) == [("ML101", 3, 2), ("ML302", 1, 1)]


def test_sample_is_fixed_by_the_seed_capped_and_in_file_order():
    found = [finding("ML101", f"r/{i:02d}/Dockerfile", 1) for i in range(30)] + [finding("ML302", "r/x/Dockerfile", 1)]
    first = lint.sample(found, per_rule=5, seed=7, only=None)
    assert first == lint.sample(list(found), per_rule=5, seed=7, only=None)
    total, chosen = first["ML101"]
    assert total == 30 and len(chosen) == 5 and chosen == sorted(chosen, key=lambda f: f["path"])
    assert first["ML302"] == (1, [found[-1]])
    # a rule's sample does not depend on which other rules have findings
    assert lint.sample(found[:30], per_rule=5, seed=7, only=None)["ML101"] == first["ML101"]
    assert list(lint.sample(found, per_rule=5, seed=7, only="ML302")) == ["ML302"]


def test_full_only_lints_the_dockerfiles_of_full_checkouts(tmp_path):
    rows = [
        {"repo": "a/full", "path": ".", "tags": "full"},
        {"repo": "a/full", "path": "docker/Dockerfile", "tags": "dockerfile"},
        {"repo": "b/part", "path": "Dockerfile", "tags": "dockerfile,gpu"},
        {"repo": "b/part", "path": "requirements.txt", "tags": "support"},
        {"repo": "c/gone", "path": "Dockerfile", "tags": "dockerfile"},
    ]
    for rel in ("a+full/docker/Dockerfile", "b+part/Dockerfile", "b+part/requirements.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("FROM scratch\n")
    assert lint.full_checkouts(rows) == {"a+full"}
    assert lint.dockerfiles(rows, str(tmp_path), full_only=False) == (
        ["a+full/docker/Dockerfile", "b+part/Dockerfile"], ["c+gone/Dockerfile"])
    assert lint.dockerfiles(rows, str(tmp_path), full_only=True) == (["a+full/docker/Dockerfile"], [])
