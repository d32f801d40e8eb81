"""The model: actors, their rules with sources, outcomes, keyed randomness, sampling and the record to July 2025. Imports no results folder, Hydra, Dask or pandas."""
