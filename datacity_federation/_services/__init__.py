"""Use cases with keyword-only arguments: what the CLI (and other apps) call.

Each module takes plain values or ports and returns results; none prints.
"""
