"""Test doubles of things that cannot run here (each bound to the real one by a contract test)."""
