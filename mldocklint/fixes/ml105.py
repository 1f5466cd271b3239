"""ML105: add ``--no-cache-dir`` (``--no-cache`` for uv) right after the sub-command of every
install of the finding's stage that keeps its cache."""

from mldocklint.fixes import Edit, Fix, offset
from mldocklint.rules.ml105_pip_cache_kept import subcommand, uncached


def fix(target, finding):
    df = target.dockerfile
    instr = df.instruction_at(finding.line)
    if instr is None:
        return None
    edits = []
    for p in uncached(target, df.stages[instr.stage]):
        k = subcommand(p)
        span = target.word_span(p.instr, p.command, k)
        if span is None:
            return None
        at = offset(df, span[0], span[1])
        flag = " --no-cache-dir" if p.tool == "pip" else " --no-cache"
        edits.append(Edit(at + len(p.words[k]), at + len(p.words[k]), flag))
    return Fix(tuple(edits)) if edits else None
