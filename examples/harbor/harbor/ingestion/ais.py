"""AIS (Automatic Identification System) vessel positions."""

import pandas as pd
from dagster import AssetExecutionContext, SourceAsset, asset

from harbor.partitions import hourly_partitions

# Files dropped into s3://harbor-landing/ais/ by the satellite-AIS vendor. Dagster does
# not produce them. The package loader keeps this key as ["ais_feed"]: key_prefix is
# only applied to assets, never to SourceAssets.
ais_feed = SourceAsset(
    key="ais_feed",
    description="Raw NMEA AIS messages delivered hourly by the satellite-AIS vendor.",
)


@asset(
    partitions_def=hourly_partitions,
    deps=[ais_feed],
    kinds={"python", "pandas"},
    owners=["team:vessel-tracking"],
    tags={"source": "ais"},
)
def vessel_positions(context: AssetExecutionContext) -> pd.DataFrame:
    """Decoded, de-duplicated vessel positions (one row per vessel per ping) for one hour."""
    hour = context.partition_key  # e.g. "2024-06-01-13:00"
    context.log.info(f"decoding AIS messages for {hour}")
    return pd.DataFrame(
        columns=["imo", "mmsi", "observed_at", "lat", "lon", "speed_knots", "heading"]
    )
