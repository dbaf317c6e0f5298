"""Joint meetings (联席会议, Art. 9–10, R15): services, API, web views and forms together."""
