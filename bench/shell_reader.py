"""Measure the shell reader (mldocklint/syntax/shell.py) against bashlex on a corpus of Dockerfiles.

    pip install bashlex
    python bench/shell_reader.py DIR     # every *Dockerfile* / *.dockerfile under DIR

For every RUN script (the line, or the heredoc bodies a shell runs) it times both readers and
compares the programs each finds, in order. bashlex is used here only: mldocklint does not
depend on it.
"""

from __future__ import annotations

import os
import sys
import time

import bashlex

from mldocklint.syntax.dockerfile import parse
from mldocklint.syntax.shell import argv, program, scripts, split_commands, shell_script


def _files(root: str):
    for d, _, names in os.walk(root):
        for n in names:
            if "dockerfile" in n.lower() or n.lower().endswith(".dockerfile"):
                yield os.path.join(d, n)


def _ours(script: str) -> list[str]:
    out = []
    for words in split_commands(script):
        a = argv(words)
        if a:
            out.append(program(a[0]))
            inner = shell_script(a)
            if inner is not None:
                out += _ours(inner)
    return out


class _Programs(bashlex.ast.nodevisitor):
    def __init__(self):
        self.found: list[str] = []

    def visitcommand(self, node, parts):
        words = [p.word for p in parts if p.kind == "word"]
        a = argv(words)
        if a:
            self.found.append(program(a[0]))
            inner = shell_script(a)
            if inner is not None:
                self.found += _bashlex(inner)


def _bashlex(script: str) -> list[str]:
    v = _Programs()
    for tree in bashlex.parse(script):
        v.visit(tree)
    return v.found


def main(root: str) -> None:
    runs = []
    for path in _files(root):
        try:
            df = parse(open(path, encoding="utf-8", errors="replace").read())
        except Exception:
            continue
        runs += [s for i in df.instructions if i.keyword == "RUN" and not i.exec_form for s in scripts(i)]
    t = time.perf_counter()
    ours = [_ours(s) for s in runs]
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    theirs, failed = [], 0
    for s in runs:
        try:
            theirs.append(_bashlex(s))
        except Exception:
            theirs.append(None)
            failed += 1
    t_bashlex = time.perf_counter() - t
    parsed = [(a, b) for a, b in zip(ours, theirs) if b is not None]
    same = sum(a == b for a, b in parsed)
    print(f"RUN scripts: {len(runs)}")
    print(f"bashlex: {failed} scripts it cannot parse ({failed / len(runs):.1%}), {t_bashlex * 1000:.0f} ms")
    print(f"shell.py: 0 scripts it cannot read, {t_ours * 1000:.0f} ms")
    print(f"same programs in the same order, where bashlex parses: {same} of {len(parsed)} ({same / len(parsed):.1%})")
    for a, b in [p for p in parsed if p[0] != p[1]][: int(os.environ.get("SHOW", "0"))]:
        print("ours   ", a, "\nbashlex", b, "\n")


if __name__ == "__main__":
    main(sys.argv[1])
