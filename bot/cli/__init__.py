"""The ``arbot`` command line (SPEC §3)."""
