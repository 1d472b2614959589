"""Tests of fitwell.callbacks."""
