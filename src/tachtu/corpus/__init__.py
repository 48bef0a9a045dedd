"""Corpus processing: reading inputs, writing outputs, running many documents."""
