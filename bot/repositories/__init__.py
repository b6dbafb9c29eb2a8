"""Queries. Repositories take a Session and never commit; services own transactions."""
