"""The demo portfolio (``arbot demo``): about thirty accounts in every collections state."""
