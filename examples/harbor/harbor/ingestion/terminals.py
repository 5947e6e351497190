"""Terminal operating system extracts: berth plans and crane moves."""

import pandas as pd
from dagster import AssetExecutionContext, MultiPartitionKey, asset

from harbor.partitions import daily_port_partitions, port_partitions


@asset(partitions_def=port_partitions, kinds={"python"})
def berth_schedule(context: AssetExecutionContext) -> pd.DataFrame:
    """Current berth allocation plan of one port's terminal."""
    return pd.DataFrame({"port": [context.partition_key], "berth": [None], "window": [None]})


@asset(partitions_def=daily_port_partitions, kinds={"python", "duckdb"})
def container_moves(
    context: AssetExecutionContext, berth_schedule: pd.DataFrame
) -> pd.DataFrame:
    """Crane moves (load, discharge, restow) per port per day.

    The static ``berth_schedule`` upstream is one dimension of this asset's
    multi-partitions definition, so each (date, port) partition reads the berth plan
    of its own port.
    """
    key = context.partition_key
    assert isinstance(key, MultiPartitionKey)
    date, port = key.keys_by_dimension["date"], key.keys_by_dimension["port"]
    context.log.info(f"pulling TOS moves for {port} on {date}")
    return pd.DataFrame(columns=["move_id", "container_id", "move_type", "teu", "berth"])
