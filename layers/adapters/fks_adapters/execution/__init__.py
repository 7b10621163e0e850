"""Adapters of the execution API: the orders, positions and risk-state tables, and the Rust function."""
