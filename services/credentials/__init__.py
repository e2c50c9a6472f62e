"""The credential platforms (Ethias-style): agreements, master users, user fiches, access
codes, announcements and document notices, and the erasure of a person's data."""
