"""
## What it does
Flags `FROM ... as name` where the `AS` keyword's case differs from the `FROM` keyword's
(`FROM image as build`, `from image AS build`). BuildKit's check FromAsCasing; a `FROM`
keyword in mixed case is ML004's.

## Why is this bad?
Nothing breaks, but the file reads as if `as` were part of the image name, and a file
that mixes cases is harder to scan and to grep.

## Example
```dockerfile
FROM python:3.11-slim as build
FROM python:3.11-slim
COPY --from=build /usr/local /usr/local
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim AS build
FROM python:3.11-slim
COPY --from=build /usr/local /usr/local
USER 1000
```

## When to ignore
Never needed.

## Fix
None.

## Options
None.
"""

import re

from mldocklint.model import Problem
from mldocklint.rules._correctness import keyword_text
from mldocklint.target import span

ID = "ML002"
SLUG = "from-as-casing"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "AS keyword cased differently from FROM"
FIX = "none"
ALIASES = ("FromAsCasing",)


def check(target, options):
    df = target.dockerfile
    for stage in target.stages:
        instr = stage.from_instruction
        if len(instr.value) != 3:
            continue
        keyword, word = keyword_text(df, instr), instr.value[1]
        if keyword not in (keyword.lower(), keyword.upper()):
            continue
        wanted = word.lower() if keyword == keyword.lower() else word.upper()
        if word != wanted:
            src = df.text[instr.start : instr.end]
            m = re.search(r"\s(" + re.escape(word) + r")\s+\S+\s*$", src)
            line, col, end_line, end_col = span(instr, src, m.start(1), len(word)) if m else (instr.line, instr.column, instr.end_line, instr.end_column)
            message = f"`{word}` and `{keyword}` keywords' casing do not match; write `{wanted}`"
            yield Problem(line, col, message, end_line=end_line, end_column=end_col, stage=stage.label)
