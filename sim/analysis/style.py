"""The one palette of the project's figures (the report's, the analyses' and the live page's).

Okabe-Ito: distinguishable with every common colour-vision deficiency.  Strong hues first, black and yellow
(faint on white) last.  Each hypothesis (worldview) keeps one colour everywhere: its place among the declared
mechanisms (``sim.model.rules.MECHANISMS``), whichever hypotheses a figure shows.
"""

from pathlib import Path

from sim.model.rules import MECHANISMS

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
# the baseline (status quo) is drawn in black and grey, so the policies keep the hues
BASELINE_COLOUR = "#000000"
POLICY_COLOURS = tuple(c for c in PALETTE if c != BASELINE_COLOUR)


def hypothesis_colours(names) -> dict[str, str]:
    """Colour of each hypothesis: the declared worldviews by their place, any other by the colours left."""
    declared = list(MECHANISMS)
    colours = {n: PALETTE[declared.index(n) % len(PALETTE)] for n in names if n in declared}
    spare = [c for c in PALETTE[len(declared) :] + PALETTE[: len(declared)]]
    for k, n in enumerate(n for n in dict.fromkeys(names) if n not in colours):
        colours[n] = spare[k % len(spare)]
    return colours


def save_figure(fig, path: Path):
    """Save without timestamps or version stamps, so that regenerating a figure gives the same bytes."""
    fig.savefig(path, dpi=110, metadata={"Software": None})
