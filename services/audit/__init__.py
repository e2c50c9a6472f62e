"""Audit: the hash chain over the log, history, point-in-time access, reports, erasure."""
