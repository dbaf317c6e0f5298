"""Supervision actions (R6) and suspensions ending (R6): services, API, web views and forms
together."""
