"""``python -m kg.cli``: the ``kg`` command (what the ``kg`` script runs)."""

from kg.cli import main

if __name__ == "__main__":
    main()
