"""`python -m bench.audit`: see the package docstring."""

from __future__ import annotations

from bench.audit.run import main

if __name__ == "__main__":
    main()
