"""Joint site inspections and reviews (联合踏勘 / 联合会审, Art. 11, R15): services, API, web
views and forms together."""
