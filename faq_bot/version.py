"""The package version, in a module of its own so that any part can name it without importing
the app."""

__version__ = "0.1.0"
