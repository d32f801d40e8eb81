"""Running a cell (scenario x hypothesis) for many replications, in chunks of one model instance each.

Because randomness is keyed by replication index, the record of replication r
is identical whatever the chunk size; chunks only bound memory.
"""

from __future__ import annotations

import numpy as np

from sim.model.model import DiplomacyModel, Setup, record_buffer
from sim.model.outcomes import OUTCOMES


def run_cell(setup: Setup, replications, chunk_size: int = 2000, on_chunk=None) -> np.ndarray:
    """Record of shape (months, outcomes, replications) for the given replication indices.

    ``replications`` is a count (indices 0..n-1) or an explicit array of indices.
    ``on_chunk(n)`` is called after each chunk with the number of replications done.
    """
    reps = np.arange(replications) if np.isscalar(replications) else np.asarray(replications, dtype=np.int64)
    record = record_buffer((setup.months, len(OUTCOMES), len(reps)))
    for lo in range(0, len(reps), chunk_size):
        chunk = reps[lo : lo + chunk_size]
        params = {k: (v[lo : lo + chunk_size] if np.ndim(v) else v) for k, v in setup.params.items()}
        part = Setup(**{**setup.__dict__, "params": params})
        DiplomacyModel(part, chunk, record=record[:, :, lo : lo + len(chunk)]).run()
        if on_chunk is not None:
            on_chunk(len(chunk))
    return record
