"""The rule registry: an explicit list of rule modules, one module per rule."""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from mldocklint.rules.base import Rule, rule_from_module

MODULES = (
    "ml000_parse_error",
    "ml101_copy_before_install",
    "ml102_model_after_code",
    "ml103_apt_install_recommends",
    "ml104_apt_lists_kept",
    "ml105_pip_cache_kept",
    "ml106_build_tools_in_final",
    "ml201_unpinned_requirement",
    "ml202_unpinned_pip_install",
    "ml203_unpinned_base_image",
    "ml204_missing_requirements_file",
    "ml301_missing_python_env",
    "ml302_root_user",
    "ml303_shell_form_cmd",
    "ml304_missing_healthcheck",
    "ml305_localhost_binding",
    "ml306_dev_server",
    "ml307_port_mismatch",
    "ml308_healthcheck_tool_missing",
    "ml309_secret_in_env",
    "ml401_gpu_without_cuda_base",
    "ml402_cuda_wheels_on_cpu_image",
    "ml403_devel_image_in_final_stage",
    "ml404_cuda_version_mismatch",
    "ml501_missing_dockerignore",
    "ml502_dockerignore_gap",
    "ml503_large_context",
    "ml504_copy_ignored_file",
    "ml505_large_baked_model",
    "ml601_image_too_large",
    "ml602_too_many_layers",
    "ml603_wasted_space",
    "ml604_cache_in_image",
    "ml605_image_runs_as_root",
    "ml606_image_no_healthcheck",
    "ml607_secret_in_image_env",
    "ml608_toolchain_in_image",
    "ml900_unused_suppression",
)


class UnknownRule(ValueError):
    pass


def unknown(selector: str) -> UnknownRule:
    """The error for a selector that names no rule, with the nearest slug or id as a hint."""
    import re

    from mldocklint.names import did_you_mean

    rules = all_rules().values()
    # an id or prefix that does not exist has no "nearest" rule worth suggesting: ML7 is not ML607
    hint = "" if re.fullmatch(r"(?i)ml\d*", selector) else did_you_mean(selector, [r.slug for r in rules])
    return UnknownRule(f"unknown rule `{selector}`" + (hint or "; `mldocklint rules` lists them"))


@lru_cache(maxsize=None)
def all_rules() -> dict[str, Rule]:
    """Every rule by id, in id order."""
    rules = [rule_from_module(import_module(f"mldocklint.rules.{name}")) for name in MODULES]
    return {r.id: r for r in sorted(rules, key=lambda r: r.id)}


def get(selector: str) -> Rule:
    """A rule by id or slug (case-insensitive for ids)."""
    rules = all_rules()
    rule = rules.get(selector.upper())
    if rule is None:
        rule = next((r for r in rules.values() if r.slug == selector.lower()), None)
    if rule is None:
        raise unknown(selector)
    return rule


def resolve(selectors) -> set[str]:
    """Rule ids named by ids (ML302), slugs (root-user) or id prefixes (ML3, ML)."""
    rules = all_rules()
    out: set[str] = set()
    for raw in selectors:
        for sel in filter(None, (s.strip() for s in raw.split(","))):
            up = sel.upper()
            if up in ("ALL", "ML"):
                out.update(rules)
            elif up in rules:
                out.add(up)
            elif up.startswith("ML") and up[2:].isdigit() and any(r.startswith(up) for r in rules):
                out.update(r for r in rules if r.startswith(up))
            else:
                slug = [r.id for r in rules.values() if r.slug == sel.lower()]
                if not slug:
                    raise unknown(sel)
                out.update(slug)
    return out
