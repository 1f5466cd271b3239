"""
## What it does
Flags instruction keywords that are neither all upper nor all lower case (`Run`), or whose
case differs from most keywords in the file. BuildKit's check ConsistentInstructionCasing.

## Why is this bad?
Keywords are case-insensitive, so nothing breaks; but a file that mixes `RUN` and `run`
is harder to read and to search, and mixed-case keywords are usually pasted from
elsewhere.

## Example
```dockerfile
FROM python:3.11-slim
Run pip install --no-cache-dir flask==3.0.0
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir flask==3.0.0
USER 1000
```

## When to ignore
Never needed.

## Fix
None.

## Options
None.
"""

from mldocklint.rules._correctness import at_keyword, keyword_text

ID = "ML004"
SLUG = "consistent-instruction-casing"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "Instruction keyword cased unlike the others"
FIX = "none"
ALIASES = ("ConsistentInstructionCasing",)


def check(target, options):
    df = target.dockerfile
    words = [(i, keyword_text(df, i)) for i in df.instructions if i.stage >= 0]
    lower = sum(1 for _, w in words if w == w.lower())
    upper = sum(1 for _, w in words if w == w.upper())
    majority_lower = lower > upper
    for instr, word in words:
        wanted = word.lower() if majority_lower else word.upper()
        if word != wanted:
            case = "lowercase" if majority_lower else "uppercase"
            yield at_keyword(df, instr, f"`{word}` should match the case of the other instructions ({case}): `{wanted}`", stage=target.stages[instr.stage].label)
