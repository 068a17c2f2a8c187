"""Service operations: the small verbs the UI, the CLI and the tests all call."""
