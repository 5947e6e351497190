"""Truck gate feeds, one asset per terminal, built by a small factory.

Only three terminals have an electronic gate system so far; Los Angeles still sends
spreadsheets and is not on the list below.
"""

import pandas as pd
from dagster import AssetExecutionContext, AssetsDefinition, asset

from harbor.constants import FEEDS_PREFIX, INGESTION_GROUP
from harbor.partitions import daily_partitions


def build_gate_feed(port: str) -> AssetsDefinition:
    """Return the daily gate-event asset of one terminal: ``feeds/<port>_gate_events``."""

    @asset(
        name=f"{port}_gate_events",
        key_prefix=[FEEDS_PREFIX],
        group_name=INGESTION_GROUP,
        partitions_def=daily_partitions,
        kinds={"python"},
        tags={"port": port},
        description=f"Truck gate-in / gate-out events at the {port} terminal, one file per day.",
    )
    def _gate_feed(context: AssetExecutionContext) -> pd.DataFrame:
        context.log.info(f"fetching {port} gate events for {context.partition_key}")
        return pd.DataFrame(columns=["truck_plate", "container_id", "direction", "at"])

    return _gate_feed


# A module-level list of AssetsDefinition: load_assets_from_modules picks up every
# element of it.
gate_feed_assets = [build_gate_feed(port) for port in ["rotterdam", "singapore", "shanghai"]]
