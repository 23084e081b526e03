"""Database plumbing of the shop: engines and sessions, migrations, settings, input
checks, the errors the shop raises, and a throw-away PostgreSQL for tests.
"""
