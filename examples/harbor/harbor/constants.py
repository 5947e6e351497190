"""String constants shared across the code location.

Keeping key prefixes and group names here means a rename is one edit, and the dbt
sources in ``dbt_project/models/sources.yml`` (source ``raw``) keep lining up with the
keys of the Python ingestion assets.
"""

# Key prefix given to every asset loaded from ``harbor.ingestion``.
# dbt source ``raw`` / table ``voyages`` -> AssetKey(["raw", "voyages"]) -> same key.
RAW_PREFIX = "raw"

# Key prefix of the per-port gate feeds built by ``harbor.port_feeds``.
FEEDS_PREFIX = "feeds"

# Asset groups shown in the Dagster UI.
INGESTION_GROUP = "ingestion"
ANALYTICS_GROUP = "analytics"
# The dbt models get this group from ``+meta.dagster.group`` in dbt_project.yml;
# the constant is only used by jobs and selections on the Python side.
WAREHOUSE_GROUP = "warehouse"
