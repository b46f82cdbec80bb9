"""Activities: every side effect a workflow needs (append events, send mail, issue notices)."""
