"""The transformers reference harness: tiny checkpoints written by transformers itself, parity images and
questions, and reference dumps of the original masking algorithm computed in transformers.

Entry point: ``models/reference/harness.py`` (see README.md). Every number here comes from the real
transformers classes; nothing in this package re-implements a model.
"""
