"""Writers of the generated documents: docs/rules.md, docs/hypotheses.md, docs/directions.md."""
