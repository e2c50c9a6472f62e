"""The grants domain: aggregates, their events and the rules they enforce.

Imports nothing but `eventsourcing.domain` and the standard library.
"""
