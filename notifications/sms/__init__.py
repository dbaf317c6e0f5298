"""SMS reminders (短信提醒): pluggable backends like Django's e-mail backends
(`backends.py`, chosen by settings.SMS_BACKEND) and the outbox that sends them (`outbox.py`)."""
