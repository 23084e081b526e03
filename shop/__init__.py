"""The shop's domain: data models, repository functions, demo loader and service policy.

Importing the package does no I/O; engines are made on demand by ``shop.db``.
"""
