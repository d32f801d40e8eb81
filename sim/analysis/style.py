from pathlib import Path

# Okabe-Ito: distinguishable with every common colour-vision deficiency
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")



def save_figure(fig, path: Path):
    """Save without timestamps or version stamps, so that regenerating a figure gives the same bytes."""
    fig.savefig(path, dpi=110, metadata={"Software": None})
