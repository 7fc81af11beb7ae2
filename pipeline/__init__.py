"""claims: numeric claim extraction and fact-consistency checks across news articles."""

__version__ = "0.1.0"
