"""Run the image rules over ``ImageFacts``, with the engine's selection, severity and suppressions.

Without a Dockerfile, findings are reported at the image reference, line 1. With one,
they point at the instructions that made the layers, and the Dockerfile's own (``check``)
findings come out in the same result; inline pragmas in the Dockerfile cover both.
"""

from __future__ import annotations

import copy
import traceback

from mldocklint.engine import Linter, Options, Result
from mldocklint.paths import display_path
from mldocklint.image.facts import ImageFacts, ImageTarget
from mldocklint.model import Finding


# A Dockerfile rule and the image rule that finds the same problem in the built image.
TWINS = {"ML302": "ML605", "ML304": "ML606", "ML309": "ML607"}
_SAME_LINE = frozenset(("ML309",))  # one finding per variable: twins are on the same line


def merge_twins(findings: list[Finding]) -> list[Finding]:
    """Each problem once: a Dockerfile finding whose image twin was found is dropped (the image is the evidence)."""
    image = {(f.rule, f.path): set() for f in findings if f.rule in TWINS.values()}
    for f in findings:
        if (f.rule, f.path) in image:
            image[f.rule, f.path].add(f.line)

    def twin_found(f: Finding) -> bool:
        lines = image.get((TWINS.get(f.rule), f.path))
        return lines is not None and (f.rule not in _SAME_LINE or f.line in lines)

    return [f for f in findings if not twin_found(f)]


def lint_image(facts: ImageFacts, options: Options, dockerfile: str | None = None) -> Result:
    result = Result()
    result.image = facts.as_dict()
    df = None
    shown = facts.ref
    findings: list[Finding] = []
    if dockerfile is not None:
        from mldocklint.syntax.dockerfile import ParseError, parse

        plain = copy.copy(options)
        plain.inline_suppressions, plain.per_file_ignores = False, {}
        linter = Linter(plain)
        linter.lint_file(dockerfile, result)
        findings, result.findings = result.findings, []
        shown = display_path(dockerfile)
        text = result.sources.get(shown)
        if text is not None:
            try:
                df = parse(text, shown, options.build_args)
            except ParseError:  # reported as ML000 by the check above
                df = None
    target = ImageTarget(facts, df, options.target)
    linter = Linter(options)
    seen: dict = {}
    for rule in options.enabled("image"):
        opts = {**rule.options, **options.rule_options.get(rule.id, {})}
        try:
            for problem in rule.check(target, opts):
                findings.append(linter._finding(rule, problem, df, shown, seen))
        except Exception as e:  # a bug in one rule must not hide the others' findings
            result.errors.append((shown, f"internal error in rule {rule.id} ({rule.slug}): {type(e).__name__}: {e}"))
            if options.debug:
                result.debug_output.append(traceback.format_exc())
    if df is not None and (options.inline_suppressions or options.per_file_ignores):
        from mldocklint import suppress

        findings = suppress.apply(df, findings, options, result.patterns_matched)
    elif df is None and options.per_file_ignores:
        from mldocklint.suppress import ignored_by_path

        off = ignored_by_path(shown, options, result.patterns_matched)
        findings = [f for f in findings if f.rule not in off]
    findings = merge_twins(findings)
    result.findings = sorted(findings, key=Finding.sort_key)
    result.errors.sort()
    return result
