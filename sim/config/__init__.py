"""Configuration: names and files, Hydra parsing, checks, analysis designs and the plan. Touches no results folder."""
