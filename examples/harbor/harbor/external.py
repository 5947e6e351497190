"""Assets that Dagster does not materialize."""

import hashlib

from dagster import AssetSpec, DataVersion, observable_source_asset

from harbor.constants import INGESTION_GROUP

# A table the registry vendor replicates into our warehouse every night. Declared as an
# external asset so the lineage shows it; Dagster cannot materialize it.
vessel_registry = AssetSpec(
    key="vessel_registry",
    group_name=INGESTION_GROUP,
    description="Vessel registry (IMO, name, flag, class, DWT) replicated nightly by SeaRegistry Inc.",
    kinds={"snowflake"},
    owners=["team:data-platform"],
    metadata={"vendor": "SeaRegistry Inc.", "sla": "06:00 UTC"},
)


@observable_source_asset(
    group_name=INGESTION_GROUP,
    description="Tide prediction tables published by the port authorities.",
)
def tide_tables() -> DataVersion:
    """Observe the tide tables: the data version changes when the published file changes."""
    published = b"tide-tables-2025-w23"  # stand-in for the downloaded file
    return DataVersion(hashlib.sha256(published).hexdigest()[:16])
