"""The core: everything that decides what to say, with no web framework, database or server.

`faq/` loads and checks the FAQ data, `safety/` screens a question before anything else,
`matcher` and `scope` find the entry that answers it, `replies` builds the reply, and `engine`
runs them in that order. Channels, operations and curation sit on top and only render or
observe what the core decided.
"""
