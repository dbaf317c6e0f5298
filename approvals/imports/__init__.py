"""Import of the licences already in force (存量许可) from the approval department's earlier
system: an Excel or CSV file is checked row by row, shown to the admin, and imported on
confirmation by a Celery task, in batches, with the supervision code, the counterparty, the
R7 access check and the audit events of each licence (R20); pushes (R1) only on request.

- ``columns``: the file's columns (the template's exact Chinese headers) and the template;
- ``files``: reading an upload (type, size, encoding, headers), refusals in Chinese;
- ``rows``: checking the rows, in bulk, with the rules of a decision;
- ``services``: upload, check, confirm, discard and resume of an import;
- ``writing``: the import itself, batch by batch, resumable;
- ``tasks``, ``admin``, ``selectors``: the Celery tasks, the admin pages, the reads.
"""
