"""Licence letters (R8): services, API, web views and forms together."""
