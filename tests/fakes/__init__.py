"""Local servers that speak the providers' APIs, for tests of the real client libraries."""
