"""The application layer: one use case per thing a function does, between the functions and the
adapters.

A function parses its event, calls a use case here and serialises the answer; a use case joins
the domain (``fks``: pure rules and models) with the adapters (``fks_adapters``: only I/O, each a
store, a queue, a venue or another function behind one class). Adapters never import this
package, and the domain imports neither (tests/unit/app/test_layering.py). It ships inside the
adapters' Lambda layers (``layers/adapters/Makefile``): a function takes at most five layers, and
the backtests function already carries five.
"""
