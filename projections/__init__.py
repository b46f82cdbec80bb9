"""Read models built from the event log (registers, inbox, dashboards)."""
