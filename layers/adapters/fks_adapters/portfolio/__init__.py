"""The portfolio table: cash per account, allocation and book per strategy, fills applied,
equity snapshots."""
