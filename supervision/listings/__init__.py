"""Counterparty listings and access levels (R7): services, API, web views and forms together."""
