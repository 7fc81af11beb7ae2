"""The checks: compare claims across documents and produce findings."""
