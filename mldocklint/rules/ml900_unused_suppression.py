"""
## What it does
Reports a `# mldocklint: ignore=...` comment that suppresses nothing: the rule it names
did not fire on the instruction, stage or file the comment covers. Also reports
suppression comments that cannot be read (a misspelt keyword, an unknown rule, a
missing colon) and pragmas written after an instruction on its line, which Docker makes
part of the instruction; the message gives the right form.

## Why is this bad?
A stale suppression hides the next real finding of that rule on the same line without
anyone reviewing it, and a misspelt one suppresses nothing while looking as if it did.

## Example
```dockerfile
FROM python:3.11-slim
USER 1000
# mldocklint: ignore=ML303 -- the command needs $PORT
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
USER 1000
CMD ["python", "app.py"]
```

## When to ignore
When a suppression is kept on purpose for a rule that only fires with some build
arguments or targets: add `ML900` to the same comment.

## Fix
None: delete the comment or the rule id from it.

## Options
None.
"""

ID = "ML900"
SLUG = "unused-suppression"
CATEGORY = "suppression"
SEVERITY = "info"
SUMMARY = "A suppression comment suppresses nothing"
FIX = "none"


def check(target, options):
    # Suppressions are read after the rules run; the suppression step reports this rule.
    return iter(())
