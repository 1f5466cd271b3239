"""The rule registry: an explicit list of rule modules, one module per rule.

ShellCheck's checks are one family, ``SC``: each of its codes (``SC2086``) is accepted
wherever a rule id is, and ``lookup`` gives a code the family's metadata and its wiki page.
A rule's ``aliases`` (hadolint codes such as ``DL3002``, BuildKit check names such as
``WorkdirRelativePath``, in any case) are accepted wherever its id is.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from mldocklint.rules.base import Rule, rule_from_module

MODULES = (
    "ml000_parse_error",
    "ml001_stage_name_casing",
    "ml002_from_as_casing",
    "ml003_no_empty_continuation",
    "ml004_consistent_instruction_casing",
    "ml005_duplicate_stage_name",
    "ml006_reserved_stage_name",
    "ml007_maintainer_deprecated",
    "ml008_undefined_arg_in_from",
    "ml009_workdir_relative_path",
    "ml010_undefined_var",
    "ml011_multiple_instructions_disallowed",
    "ml012_legacy_key_value_format",
    "ml013_redundant_target_platform",
    "ml014_invalid_default_arg_in_from",
    "ml015_from_platform_flag_const_disallowed",
    "ml016_expose_proto_casing",
    "ml017_expose_invalid_format",
    "ml018_copy_from_unknown_stage",
    "ml019_pipe_without_pipefail",
    "ml020_env_same_statement_reference",
    "ml021_copy_sources_need_directory",
    "ml022_useradd_high_uid",
    "ml023_sudo_in_run",
    "ml024_add_local_files",
    "ml025_apt_in_run",
    "ml026_curl_and_wget",
    "ml027_ln_bin_sh",
    "ml028_cd_in_run",
    "ml029_consecutive_run",
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
    "ml205_add_url_without_checksum",
    "ml206_unpinned_model_download",
    "ml301_missing_python_env",
    "ml302_root_user",
    "ml303_shell_form_cmd",
    "ml304_missing_healthcheck",
    "ml305_localhost_binding",
    "ml306_dev_server",
    "ml307_port_mismatch",
    "ml308_healthcheck_tool_missing",
    "ml309_secret_in_env",
    "ml310_secret_arg_in_history",
    "ml311_secret_written_to_layer",
    "ml401_gpu_without_cuda_base",
    "ml402_cuda_wheels_on_cpu_image",
    "ml403_devel_image_in_final_stage",
    "ml404_cuda_version_mismatch",
    "ml501_missing_dockerignore",
    "ml502_dockerignore_gap",
    "ml503_large_context",
    "ml504_copy_ignored_file",
    "ml505_large_baked_model",
    "ml506_secret_file_in_context",
    "ml601_image_too_large",
    "ml602_too_many_layers",
    "ml603_wasted_space",
    "ml604_cache_in_image",
    "ml605_image_runs_as_root",
    "ml606_image_no_healthcheck",
    "ml607_secret_in_image_env",
    "ml608_toolchain_in_image",
    "ml609_secret_file_in_image",
    "ml610_zero_filled_file",
    "ml900_unused_suppression",
    "sc_shellcheck",
)
SHELLCHECK = "SC"


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


@lru_cache(maxsize=None)
def aliases() -> dict[str, tuple[str, ...]]:
    """Each alias, upper case, -> the ids of the rules that cover it (one check may be split
    into several rules: BuildKit's SecretsUsedInArgOrEnv)."""
    out: dict[str, tuple[str, ...]] = {}
    for r in all_rules().values():
        for a in r.aliases:
            out[a.upper()] = out.get(a.upper(), ()) + (r.id,)
    return out


def is_shellcheck_code(rule_id: str) -> bool:
    return len(rule_id) == 6 and rule_id.startswith(SHELLCHECK) and rule_id[2:].isdigit()


def family(rule_id: str) -> str:
    """The rule a finding's id belongs to: ``SC2086`` -> ``SC``; an ML id is its own."""
    return SHELLCHECK if is_shellcheck_code(rule_id) else rule_id


def covers(ids, rule_id: str) -> bool:
    """Whether a set of selected ids (``resolve``) names a finding's rule or its family."""
    return rule_id in ids or family(rule_id) in ids


def lookup(rule_id: str) -> Rule | None:
    """The rule of a finding's id; a ShellCheck code gets the family's metadata and its wiki page."""
    rules = all_rules()
    if is_shellcheck_code(rule_id) and SHELLCHECK in rules:
        return rules[SHELLCHECK]._replace(id=rule_id, docs=f"https://www.shellcheck.net/wiki/{rule_id}")
    return rules.get(rule_id)


def get(selector: str) -> Rule:
    """A rule by id, alias (the first rule that covers it) or slug (case-insensitive for ids and
    aliases); a ShellCheck code (SC2086) too."""
    rules = all_rules()
    up = selector.upper()
    rule = lookup(aliases().get(up, (up,))[0])
    if rule is None:
        rule = next((r for r in rules.values() if r.slug == selector.lower()), None)
    if rule is None:
        raise unknown(selector)
    return rule


def resolve(selectors) -> set[str]:
    """Rule ids named by ids (ML302), aliases (DL3002), slugs (root-user) or id prefixes (ML3, ML)."""
    rules = all_rules()
    out: set[str] = set()
    for raw in selectors:
        for sel in filter(None, (s.strip() for s in raw.split(","))):
            up = sel.upper()
            if up == "ALL":
                out.update(rules)
            elif up == "ML":
                out.update(r for r in rules if r.startswith("ML"))
            elif up in rules or is_shellcheck_code(up):
                out.add(up)
            elif up in aliases():
                out.update(aliases()[up])
            elif up.startswith("ML") and up[2:].isdigit() and any(r.startswith(up) for r in rules):
                out.update(r for r in rules if r.startswith(up))
            else:
                slug = [r.id for r in rules.values() if r.slug == sel.lower()]
                if not slug:
                    raise unknown(sel)
                out.update(slug)
    return out
