"""Configuration: ``[tool.mldocklint]`` in pyproject.toml or ``.mldocklint.yaml``.

``find`` walks up from a directory (a Dockerfile's folder; the current directory by
default) to the repository root (the first directory holding ``.git``), stat-ing a few
names per level and importing nothing; ``commands.make_options`` calls it once per folder. ``apply`` reads
and validates the file into ``engine.Options``; every problem is a ``ValueError`` naming
the file, the key and the valid choices.
"""

from __future__ import annotations

import os

from mldocklint.paths import display_path

# Looked for in this order in each directory, from the starting one up to the repository root.
NAMES = (".mldocklint.yaml", ".mldocklint.yml", "pyproject.toml")
KEYS = ("select", "ignore", "extend-select", "per-file-ignores", "role", "severity", "failure-threshold", "target", "build-args", "contexts")
_SECTION = b"[tool.mldocklint"


def find(explicit: str | None = None, start: str | None = None, known: dict | None = None) -> str | None:
    """The configuration file to use: ``explicit``, else the nearest one found upward from
    ``start``. ``known`` keeps each directory's answer for the next call (a batch's
    Dockerfiles share their ancestors)."""
    if explicit:
        return explicit
    d = os.path.abspath(start or os.getcwd())
    known = {} if known is None else known
    walked = []
    found = None
    while d not in known:
        walked.append(d)
        found = _config_in(d)
        parent = os.path.dirname(d)
        if found is not None or parent == d or os.path.exists(os.path.join(d, ".git")):
            break
        d = parent
    else:
        found = known[d]
    for w in walked:
        known[w] = found
    return found


def _config_in(folder: str) -> str | None:
    """The configuration file of ``folder`` itself, in the order of ``NAMES``, or None."""
    for name in NAMES:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and (name != "pyproject.toml" or _has_section(path)):
            return path
    return None


def _has_section(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return _SECTION in fh.read()
    except OSError:
        return False


def load(path: str) -> dict:
    """The raw mldocklint table of a configuration file ({} when it has none)."""
    if os.path.exists(path) and not os.path.isfile(path):  # a FIFO or device would block the read
        raise ValueError(f"{path}: cannot read configuration: not a regular file")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise ValueError(f"{path}: cannot read configuration: {e.strerror or e}") from None
    if path.endswith((".yaml", ".yml")):
        import yaml

        try:
            doc = yaml.safe_load(data.decode("utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: invalid YAML: {' '.join(str(e).split())}") from None
        doc = {} if doc is None else doc
    else:
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib
        try:
            doc = tomllib.loads(data.decode("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: invalid TOML: {e}") from None
        if os.path.basename(path) == "pyproject.toml" or "tool" in doc:
            doc = doc.get("tool", {}).get("mldocklint", {})
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: the configuration must be a table of keys, got {type(doc).__name__}")
    return doc


def apply(options, path: str | None) -> None:
    """Read ``path`` (if any) into ``options``; command-line flags are applied afterwards."""
    if path is None:
        return
    _Reader(path).apply(load(path), options)


class _Reader:
    def __init__(self, path: str):
        self.path = path
        self.base = os.path.dirname(os.path.abspath(path))

    def fail(self, key: str, problem: str, choices=None, given: str | None = None):
        """Raise the error for ``key``: the nearest choice to what was ``given``, else every valid choice."""
        from mldocklint.names import did_you_mean

        more = did_you_mean(given, choices) if given is not None and choices else ""
        if not more and choices:
            more = f"; valid: {', '.join(choices)}"
        raise ValueError(f"{self.path}: {key}: {problem}{more}")

    def apply(self, doc: dict, options) -> None:
        from mldocklint.engine import THRESHOLDS

        rule_options: dict[str, dict] = {}
        for key, value in doc.items():
            key = str(key)
            name, dot, option = key.partition(".")
            if key == "select":
                options.select = self.rules(key, value)
            elif key in ("ignore", "extend-select"):
                getattr(options, key.replace("-", "_")).extend(self.rules(key, value))
            elif key == "per-file-ignores":
                for glob, rules in self.table(key, value).items():
                    options.per_file_ignores[self.glob(str(glob))] = self.rules(f"{key}.{glob}", rules)
            elif key == "role":
                from mldocklint.roles import ROLES

                patterns = {"*": value} if isinstance(value, str) else self.table(key, value)
                for glob, role in patterns.items():
                    options.roles[self.glob(str(glob))] = self.choice(key if isinstance(value, str) else f"{key}.{glob}", role, ROLES)
            elif key == "severity":
                for rule, level in self.table(key, value).items():
                    level = self.choice(f"{key}.{rule}", level, ("error", "warning", "info"))
                    for rid in self.rules(f"{key}.{rule}", rule, ids=True):
                        options.severity[rid] = level
            elif key == "failure-threshold":
                options.failure_threshold = self.choice(key, value, THRESHOLDS)
            elif key == "target":
                if not isinstance(value, str) or not value:
                    self.fail(key, "expected a stage name")
                options.target = value
            elif key == "build-args":
                for arg, val in self.table(key, value).items():
                    if isinstance(val, (dict, list)) or val is None:
                        self.fail(f"{key}.{arg}", "expected a string value")
                    options.build_args[str(arg)] = str(val).lower() if isinstance(val, bool) else str(val)
            elif key == "contexts":
                for pattern, ctx in self.table(key, value).items():
                    if not isinstance(ctx, str) or not ctx:
                        self.fail(f"{key}.{pattern}", "expected a build context directory")
                    where = f"{display_path(self.path)} contexts"
                    options.contexts.append((self.relative(str(pattern)), os.path.normpath(os.path.join(self.base, ctx)), where))
            elif dot:
                self.rule_option(name, option, value, rule_options)
            elif isinstance(value, dict) and value:
                for opt, val in value.items():
                    self.rule_option(name, str(opt), val, rule_options)
            else:
                self.fail(key, "unknown key", (*KEYS, "<rule>.<option>"), given=key)
        for rid, opts in rule_options.items():
            options.rule_options.setdefault(rid, {}).update(opts)

    def table(self, key: str, value) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {_kind(value)}")
        return value

    def choice(self, key: str, value, choices) -> str:
        if value not in choices:
            self.fail(key, f"invalid value {value!r}", choices, given=str(value))
        return value

    def rules(self, key: str, value, ids: bool = False) -> list[str]:
        """Rule selectors as written (validated), or with ``ids`` the rule ids they name."""
        from mldocklint.rules import UnknownRule, resolve

        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            self.fail(key, f"expected a list of rule ids or slugs, got {_kind(value)}")
        try:
            found = resolve(items)
        except UnknownRule as e:
            self.fail(key, str(e))
        return sorted(found) if ids else list(items)

    def glob(self, pattern: str) -> str:
        """Patterns with a '/' are relative to the configuration file's directory."""
        if "/" not in pattern:
            return pattern
        return os.path.join(self.base, pattern.removeprefix("./")).replace(os.sep, "/")

    def relative(self, pattern: str) -> str:
        """A path pattern relative to the configuration file's directory, as an absolute POSIX pattern."""
        return os.path.normpath(os.path.join(self.base, pattern.removeprefix("./"))).replace(os.sep, "/")

    def owners(self, name: str) -> list:
        """Rules an option table applies to: a rule id or slug, or a category or scope (``image``)."""
        from mldocklint.rules import all_rules

        low = name.lower()
        return [r for r in all_rules().values() if low in (r.id.lower(), r.slug, r.category, r.scope)]

    def rule_option(self, name: str, option: str, value, out: dict) -> None:
        key = f"{name}.{option}"
        rules = self.owners(name)
        if not rules:
            from mldocklint.names import did_you_mean
            from mldocklint.rules import all_rules

            names = sorted({n for r in all_rules().values() for n in (r.id, r.slug, r.category, r.scope)})
            hint = did_you_mean(name, names) or "; `mldocklint rules` lists the rule ids and slugs; `image` names every image rule"
            raise ValueError(f"{self.path}: {key}: unknown rule `{name}`{hint}")
        norm = option.replace("_", "-")
        applied = False
        for rule in rules:
            for real, default in rule.options.items():
                if real.replace("_", "-") == norm:
                    out.setdefault(rule.id, {})[real] = self.typed(key, value, default)
                    applied = True
        if not applied:
            valid = sorted({o.replace("_", "-") for r in rules for o in r.options})
            self.fail(key, "unknown option" if valid else f"{name} has no options", valid, given=option)

    def typed(self, key: str, value, default):
        if default is None or isinstance(value, type(default)) and not (isinstance(value, bool) and not isinstance(default, bool)):
            return value
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        self.fail(key, f"expected {_kind(default)}, got {_kind(value)} {value!r}")


def _kind(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
