"""Analysis of stored results: functions of tables and arrays (effects against a baseline, robustness,
sensitivity, discovery, the hindcast's grading) that give the tables and text an analyst reads."""
