"""Large batches are linted in worker processes; the report must not change."""

from __future__ import annotations

import shutil
from pathlib import Path

from mldocklint.engine import Options, _jobs, lint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dockerfiles"


def _tree(tmp_path: Path, copies: int) -> list[str]:
    paths = []
    for k in range(copies):
        for src in sorted(FIXTURES.glob("*.Dockerfile")):
            dest = tmp_path / f"svc{k}" / src.name
            dest.parent.mkdir(exist_ok=True)
            shutil.copyfile(src, dest)
            paths.append(str(dest))
    (tmp_path / "svc0" / "broken.Dockerfile").write_bytes(b"\xff\xfe\x00garbage")
    return paths + [str(tmp_path / "svc0" / "broken.Dockerfile"), str(tmp_path / "missing" / "Dockerfile")]


def test_workers_give_the_same_result_as_one_process(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = _tree(tmp_path, 3)
    one = lint(paths, Options(jobs=1))
    two = lint(paths, Options(jobs=2))
    assert one.findings and one.errors
    assert two.findings == one.findings
    assert two.errors == one.errors
    assert two.files == one.files == len(paths) - 2
    assert two.sources == one.sources


def test_an_exception_in_a_worker_rule_is_reported_for_its_file(tmp_path, monkeypatch):
    from mldocklint import rules

    monkeypatch.chdir(tmp_path)
    paths = _tree(tmp_path, 1)[:4]

    def boom(target, options):
        raise RuntimeError("boom")
        yield

    real = rules.all_rules()
    monkeypatch.setattr(rules, "all_rules", lambda: {**real, "ML303": real["ML303"]._replace(check=boom)})
    result = lint(paths, Options(jobs=2))
    assert [m for _, m in result.errors if "ML303" in m] == ["internal error in rule ML303 (shell-form-cmd): RuntimeError: boom"] * 4
    assert {f.rule for f in result.findings} - {"ML303"}  # the other rules still ran


def test_small_batches_stay_in_process():
    assert _jobs(0, 1) == 1
    assert _jobs(0, 63) == 1
    assert _jobs(3, 2) == 2
    assert _jobs(1, 10_000) == 1


def test_the_files_of_a_worker_that_dies_are_linted_in_the_parent(tmp_path, monkeypatch):
    import os

    from mldocklint.engine import Linter

    monkeypatch.chdir(tmp_path)
    paths = _tree(tmp_path, 2)
    parent = os.getpid()
    real = Linter.lint_files

    def dies_in_a_worker(self, files):
        if os.getpid() != parent and files[0] == paths[0]:
            os._exit(9)  # the first worker is killed before it hands anything back
        return real(self, files)

    one = lint(paths, Options(jobs=1))
    monkeypatch.setattr(Linter, "lint_files", dies_in_a_worker)
    two = lint(paths, Options(jobs=2))
    assert two.findings == one.findings and two.errors == one.errors and two.files == one.files
