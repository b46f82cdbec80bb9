"""pit's people-facing side: accounts and roles now; the JSON API and the console build on them.

Nothing runs on import: the FastAPI app opens its pools in its own lifespan.
"""
