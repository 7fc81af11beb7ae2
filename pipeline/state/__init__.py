"""The state of runs: the claim store, light rows and views, incremental runs."""
