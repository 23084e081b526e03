"""The shop's domain, one folder per layer: ``rules`` (pure rules), ``policy`` (the
service-policy checker), ``store`` (repositories), ``db`` (engines, migrations, settings),
``models`` (tables), ``migrations`` and the demo loader ``demo``.

Importing the package does no I/O; engines are made on demand by ``shop.db.engine``.
"""
