"""What a rule is: its metadata, read from the rule's module.

A rule module defines ``ID``, ``SLUG``, ``CATEGORY``, ``SEVERITY``, ``SUMMARY``, ``FIX``
("safe", "unsafe" or "none"), optionally ``OPTIONS`` (defaults), ``NEEDS_CONTEXT`` (runs
only with a build context), ``ALIASES`` (hadolint codes and BuildKit check names it covers), ``ROLES`` (the image
roles it judges, ``roles.ROLES``; default all: the engine skips it for the others),
``OPT_IN`` (runs only when selected by id, alias, slug, prefix or ``ALL``)
or ``USES_CONTEXT`` (runs always, reads ``target.context`` when
it was loaded), and ``check(target, options)`` (``target.Target``): a generator of ``model.Problem``. Its module docstring
is its documentation (sections checked, pages in ``rules/`` generated and examples run by
tests/test_catalog.py, which also describes the ```text block that lists an example's build
context). A fixable rule has a fixer in ``mldocklint/fixes/`` (see its package docstring).
"""

from __future__ import annotations

from types import ModuleType

from mldocklint.records import NamedTuple
from mldocklint.roles import ROLES


class Rule(NamedTuple):
    id: str
    slug: str
    category: str
    severity: str
    summary: str
    doc: str
    fix: str
    options: dict
    needs_context: bool
    scope: str  # "dockerfile" or "image"
    check: object
    uses_context: bool = False  # reads target.context when there is one, works without it
    aliases: tuple[str, ...] = ()  # other linters' names for what the rule checks (hadolint codes, BuildKit checks)
    docs: str = ""  # the page's address when it is not mldocklint's own (ShellCheck's wiki)
    roles: tuple[str, ...] = ROLES  # image roles the rule judges
    opt_in: bool = False  # left out of the default selection (style checks)

    @property
    def url(self) -> str:
        from mldocklint import DOCS_URL

        return self.docs or f"{DOCS_URL}/rules/{self.id}.md"


def rule_from_module(mod: ModuleType) -> Rule:
    return Rule(
        id=mod.ID,
        slug=mod.SLUG,
        category=mod.CATEGORY,
        severity=mod.SEVERITY,
        summary=mod.SUMMARY,
        doc=(mod.__doc__ or "").strip(),
        fix=getattr(mod, "FIX", "none"),
        options=dict(getattr(mod, "OPTIONS", {})),
        needs_context=getattr(mod, "NEEDS_CONTEXT", False),
        scope=getattr(mod, "SCOPE", "dockerfile"),
        check=mod.check,
        uses_context=getattr(mod, "USES_CONTEXT", False),
        aliases=tuple(getattr(mod, "ALIASES", ())),
        roles=tuple(getattr(mod, "ROLES", ROLES)),
        opt_in=getattr(mod, "OPT_IN", False),
    )
