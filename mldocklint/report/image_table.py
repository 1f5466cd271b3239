"""The layer table of ``mldocklint image``: size, share and instruction of each layer, largest first."""

from __future__ import annotations

from mldocklint.units import human

WIDTH = 72  # characters of the instruction shown


def shorten(text: str, width: int = WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def lines(image: dict) -> list[str]:
    total = image["bytes"]
    layers = sorted(image["layers"], key=lambda layer: (-layer["bytes"], layer["index"]))
    out = [f"{image['ref']} ({image['source']}): {len(layers)} layers, {human(total)}, {human(image['wasted_bytes'])} wasted"]
    out.append(f"  {'#':>3}  {'size':>9}  {'share':>6}  {'wasted':>9}  instruction")
    for layer in layers:
        share = 100 * layer["bytes"] / total if total else 0.0
        out.append(
            f"  {layer['index']:>3}  {human(layer['bytes']):>9}  {share:>5.1f}%  {human(layer['wasted_bytes']):>9}  "
            f"{shorten(layer['instruction']) or '(unknown)'}"
        )
    wasted_share = 100 * image["wasted_bytes"] / total if total else 0.0
    out.append(f"  total {human(total)}, wasted {human(image['wasted_bytes'])} ({wasted_share:.1f}%)")
    if image["config"]["healthcheck"] is None:
        out.append(f"  healthcheck: unknown ({image['healthcheck_note']})")
    return out
