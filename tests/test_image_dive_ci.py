"""dive's ``.dive-ci`` thresholds as ML603 options: the mapping, the parsing, and where they come from."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_image_layers import docker_archive, layer

from mldocklint.engine import Options
from mldocklint.image.dive_ci import DiveCIError, options, size
from mldocklint.image.lint import lint_image
from mldocklint.image.source import load


@pytest.mark.parametrize("text, expected", [("20MB", 20_000_000), ("1.5GiB", 1_610_612_736), ("2048", 2048), ("1KiB", 1024), ("3 kb", 3000), ("7B", 7)])
def test_sizes_as_dive_reads_them(text, expected):
    assert size(text) == expected


def test_a_dive_ci_file_maps_to_ml603_options():
    text = "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: disabled\n"
    assert options(text) == {"lowest-efficiency": 0.95, "highest-wasted-bytes": 20_000_000}


@pytest.mark.parametrize(
    "text, message",
    [
        ("rules:\n  lowestEfficiency: high\n", "rules.lowestEfficiency: invalid ratio 'high'"),
        ("rules:\n  highestUserWastedPercent: 20\n", "rules.highestUserWastedPercent: ratio 20 is not between 0 and 1"),
        ("rules:\n  highestWastedBytes: 20 parsecs\n", "rules.highestWastedBytes: invalid size '20 parsecs'"),
        ("rules:\n  lowestEfficency: 0.9\n", "rules.lowestEfficency: unknown key; valid: lowestEfficiency, highestWastedBytes, highestUserWastedPercent"),
        ("- just a list\n", "expected a `rules:` table"),
        ("rules: [\n", "invalid YAML"),
    ],
)
def test_bad_dive_ci_files(text, message):
    with pytest.raises(DiveCIError) as e:
        options(text)
    assert str(e.value).startswith(message)


@pytest.fixture
def image(tmp_path):
    """1 MB base layer, then 4 MB added, then 3 MB of it deleted: 3 MB wasted of 5 MB (efficiency 40%;
    75% of the 4 MB above the base layer). Under ML603's default 10 MB: no finding."""
    base = layer(("bin/sh", b"s" * 1_000_000))
    added = layer(("tmp/a.bin", b"a" * 3_000_000), ("app/b.bin", b"b" * 1_000_000))
    removed = layer(("tmp/.wh.a.bin", b""))
    ref = docker_archive(tmp_path / "img.tar", [base, added, removed], config={"config": {"User": "app"}, "history": []})
    return ref


def _ml603(ref, **opts):
    return [(f.rule, f.line, f.column, f.message) for f in lint_image(load(ref), Options(select=["ML603"], rule_options={"ML603": opts})).findings]


def test_thresholds_decide_instead_of_min_mb(image):
    assert _ml603(image) == []
    tail = ": /tmp/a.bin (3.0 MB, added in layer 1, deleted in layer 2); remove temporary files in the RUN that creates them"
    assert _ml603(image, **{"lowest-efficiency": 0.9}) == [("ML603", 1, 1, "3.0 MB are deleted or overwritten by later layers but still shipped (efficiency 40.0% is below lowest-efficiency 90.0%)" + tail)]
    assert _ml603(image, **{"lowest-efficiency": 0.4}) == []
    assert _ml603(image, **{"highest-wasted-bytes": 3_000_000})[0][3].startswith("3.0 MB are deleted or overwritten by later layers but still shipped (at least highest-wasted-bytes 3.0 MB):")
    assert _ml603(image, **{"highest-wasted-bytes": 3_000_001}) == []
    assert _ml603(image, **{"highest-user-wasted-percent": 0.75})[0][3].startswith(
        "3.0 MB are deleted or overwritten by later layers but still shipped (75.0% of the bytes above the base layer, at least highest-user-wasted-percent 75.0%):"
    )
    assert _ml603(image, **{"highest-user-wasted-percent": 0.76, "min-mb": 1}) == []  # min-mb is not used once a threshold is set


def test_cli_reads_dive_ci_unless_isolated_or_configured(image, tmp_path):
    cmd = [sys.executable, "-m", "mldocklint", "image", image, "--select", "ML603"]
    assert subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60).returncode == 0
    (tmp_path / ".dive-ci").write_text("rules:\n  lowestEfficiency: 0.9\n  highestWastedBytes: disabled\n")
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert out.returncode == 1, out.stderr
    assert out.stdout.startswith(f"image {image}: ML603 wasted-space 3.0 MB are deleted or overwritten by later layers but still shipped (efficiency 40.0% is below lowest-efficiency 90.0%)")
    assert subprocess.run([*cmd, "--isolated"], capture_output=True, text=True, cwd=tmp_path, timeout=60).returncode == 0
    (tmp_path / "pyproject.toml").write_text('[tool.mldocklint]\nwasted-space.lowest-efficiency = 0.3\n')
    assert subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60).returncode == 0  # the configuration wins
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / ".dive-ci").write_text("rules:\n  lowestEfficiency: 95%\n")
    bad = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert (bad.returncode, bad.stdout, bad.stderr.splitlines()) == (2, "", ["mldocklint: error: .dive-ci: rules.lowestEfficiency: invalid ratio '95%'"])
