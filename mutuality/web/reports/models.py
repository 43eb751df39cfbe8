"""Rows the reports keep (published transparency reports are frozen here)."""
