"""Helpers for the tests of downstream apps (and of this package): real parts, started locally."""
