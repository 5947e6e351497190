"""Analytics assets (group "analytics").

The modules are loaded with ``load_assets_from_modules`` without a prefix or group:
every asset sets its own key (prefix) and ``group_name``.
"""
