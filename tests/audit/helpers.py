"""Plain helpers of the audit tests (R20). Import them from here, never from a conftest.py."""

PASSWORD = "pw-Audit-Trail-2026"
