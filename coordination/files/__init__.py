"""Important-matter files (R14): consultation, stakeholder opinions, hearings: services, API,
web views and forms together."""
