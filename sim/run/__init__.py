"""Running a plan: the engine (serial or Dask) and the experiment that writes a results folder."""
