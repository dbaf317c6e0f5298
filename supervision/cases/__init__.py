"""Legacy cases (R17): services, API, web views and forms together."""
