"""Raw ingestion assets.

Every module in this package is loaded by ``load_assets_from_package_module`` in
``harbor/definitions.py`` with ``key_prefix="raw"`` and ``group_name="ingestion"``.
Inside the package, assets refer to each other by bare parameter names (``voyages``,
``berth_schedule``); the loader rewrites those references together with the keys.
"""
