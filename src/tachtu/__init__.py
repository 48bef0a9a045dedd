"""tachtu: Vietnamese text to clean, normalized, word-segmented corpus text."""

__version__ = "0.1.0"
