"""Feedback on a push (R5)."""
