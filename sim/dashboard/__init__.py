"""The live page: move a lever or an assumption and see the ensemble of futures change, or watch one unfold.

``runner`` reruns the ensemble for the page's choices (one model call per cell, cached), ``attribution``
names the rules that moved most in a month of one watched replication, ``charts`` builds the figures the
browser draws, ``folder`` reads a results folder, ``app`` is the Solara page, ``python -m sim.dashboard``
serves it behind ``guard`` (its own address, same origin and its secret path only) and ``drive`` works it from a
real browser (the browser test and the timing benchmark).
"""
