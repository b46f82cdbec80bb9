"""What an auditor runs beyond the store's own verification.

Evidence bundles: ``audit.bundle_export`` builds one agreement's bundle from the database
(``pit audit export``, the console's "Export evidence"); ``audit.bundle_check`` verifies one
from its own bytes, with no database or network (``pit audit check-bundle``); ``audit.bundle``
is the file's format, documented for auditors in docs/audit-format.md ("Evidence bundles").
"""
