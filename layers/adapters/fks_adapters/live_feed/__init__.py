"""The live feed's connections table and the pushing of candles to its subscribers."""
