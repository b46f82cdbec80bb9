"""Temporal workflows: AgreementWorkflow and ZoneWorkflow (deterministic orchestration)."""
