"""The report of a results folder: markdown, tables and figures."""
