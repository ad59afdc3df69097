"""Newsbrief: parse, summarize and index news articles."""

__version__ = "0.1.0"
