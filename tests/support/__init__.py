"""Test doubles shared by several test folders and the benchmarks (never shipped in the wheel)."""
