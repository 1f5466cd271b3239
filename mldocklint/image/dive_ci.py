"""dive's ``.dive-ci`` thresholds as options of ML603 (wasted-space).

dive gates CI with ``rules: {lowestEfficiency, highestWastedBytes, highestUserWastedPercent}``;
values are ratios (``0.95``), sizes (``20MB``, ``1.5GiB``, a number of bytes) or ``disabled``.
"""

from __future__ import annotations

import re

KEYS = {"lowestEfficiency": "lowest-efficiency", "highestWastedBytes": "highest-wasted-bytes", "highestUserWastedPercent": "highest-user-wasted-percent"}
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:([kmgtp])(i?))?b?\s*$", re.I)


class DiveCIError(ValueError):
    pass


def size(value) -> int:
    """A size as dive (go-humanize) reads it: ``20MB`` is 20 * 10^6 bytes, ``20MiB`` 20 * 2^20."""
    m = _SIZE.match(str(value))
    if not m:
        raise DiveCIError(f"invalid size {value!r}")
    power = "kmgtp".index(m.group(2).lower()) + 1 if m.group(2) else 0
    return int(float(m.group(1)) * (1024 if m.group(3) else 1000) ** power)


def ratio(value) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise DiveCIError(f"invalid ratio {value!r}") from None
    if not 0 <= out <= 1:
        raise DiveCIError(f"ratio {value!r} is not between 0 and 1")
    return out


def read(path: str) -> dict:
    """ML603 options from a ``.dive-ci`` file (at most 1 MiB); DiveCIError on bad input."""
    try:
        with open(path, "rb") as fh:
            data = fh.read((1 << 20) + 1)
    except OSError as e:
        raise DiveCIError(f"cannot read: {e.strerror or e}") from None
    if len(data) > 1 << 20:
        raise DiveCIError("larger than 1 MiB: refusing it")
    return options(data.decode("utf-8", "replace"))


def options(text: str) -> dict:
    """ML603 options from the text of a ``.dive-ci`` file; DiveCIError on bad input."""
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise DiveCIError(f"invalid YAML ({str(e).splitlines()[0]})") from None
    rules = doc.get("rules") if isinstance(doc, dict) else None
    if not isinstance(rules, dict):
        raise DiveCIError("expected a `rules:` table")
    out = {}
    for key, value in rules.items():
        if key not in KEYS:
            raise DiveCIError(f"rules.{key}: unknown key; valid: {', '.join(KEYS)}")
        if str(value).strip().lower() == "disabled":
            continue
        try:
            out[KEYS[key]] = size(value) if key == "highestWastedBytes" else ratio(value)
        except DiveCIError as e:
            raise DiveCIError(f"rules.{key}: {e}") from None
    return out
