"""Benchmarks: each measures its baseline in the same run and prints a final JSON line."""
