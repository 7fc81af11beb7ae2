"""The checks: compare claims across documents and produce findings."""

# The checks defined in modules of their own register on import (pipeline.check.policy
# imports the registry in pipeline.check.checks; the registry does not import it back).
from pipeline.check import policy  # noqa: F401
