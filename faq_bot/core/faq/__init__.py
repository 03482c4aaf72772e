"""The curated FAQ: the YAML reader with line numbers, validation, the immutable model, and the
live store that swaps in a new FAQ only after it passes every check."""
