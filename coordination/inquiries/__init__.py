"""Inquiry letters (函询, Art. 12, R16): services, API, web views and forms together."""
