"""Port congestion: berth occupancy, gate queues, container dwell, turnaround."""

import pandas as pd
from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetOut,
    DimensionPartitionMapping,
    IdentityPartitionMapping,
    MaterializeResult,
    MultiPartitionMapping,
    TimeWindowPartitionMapping,
    asset,
    multi_asset,
)

from harbor.constants import ANALYTICS_GROUP, RAW_PREFIX
from harbor.partitions import (
    daily_partitions,
    daily_port_partitions,
    hourly_partitions,
    weekly_partitions,
)


@asset(
    key_prefix=["analytics", "congestion"],
    group_name=ANALYTICS_GROUP,
    partitions_def=hourly_partitions,
    # key_prefix on the AssetIn: the input key is ["raw", "voyages"].
    ins={"voyages": AssetIn(key_prefix=[RAW_PREFIX])},
    deps=["tide_tables"],
    kinds={"pandas"},
)
def hourly_berth_occupancy(voyages: pd.DataFrame) -> pd.DataFrame:
    """Share of each berth occupied during the hour, using the day's voyages and the tide."""
    return voyages.head(0)


@asset(
    key_prefix=["analytics", "congestion"],
    group_name=ANALYTICS_GROUP,
    partitions_def=weekly_partitions,
    deps=[
        AssetKey(["feeds", "rotterdam_gate_events"]),
        AssetKey(["feeds", "singapore_gate_events"]),
        AssetKey(["feeds", "shanghai_gate_events"]),
    ],
    code_version="1",
    owners=["team:terminal-ops"],
    kinds={"duckdb"},
)
def weekly_congestion_index(context: AssetExecutionContext) -> MaterializeResult:
    """Gate queue length index per terminal for one week (Sunday to Saturday)."""
    return MaterializeResult(metadata={"week": context.partition_key})


@asset(
    key_prefix=["analytics", "congestion"],
    group_name=ANALYTICS_GROUP,
    partitions_def=daily_port_partitions,
    deps=[
        AssetDep(
            AssetKey(["raw", "container_moves"]),
            partition_mapping=MultiPartitionMapping(
                {
                    # A container that arrived yesterday still dwells today.
                    "date": DimensionPartitionMapping(
                        dimension_name="date",
                        partition_mapping=TimeWindowPartitionMapping(
                            start_offset=-1, allow_nonexistent_upstream_partitions=True
                        ),
                    ),
                    "port": DimensionPartitionMapping(
                        dimension_name="port",
                        partition_mapping=IdentityPartitionMapping(),
                    ),
                }
            ),
        )
    ],
    kinds={"duckdb"},
)
def container_dwell(context: AssetExecutionContext) -> None:
    """Hours each container spends in the yard, per port and day."""
    context.log.info(f"dwell for {context.partition_key}")


@multi_asset(
    outs={
        "turnaround_hours": AssetOut(
            key_prefix=["analytics", "congestion"],
            description="Hours from arrival at the pilot station to departure, per port call.",
        ),
        "idle_hours": AssetOut(
            key=AssetKey(["analytics", "congestion", "idle_hours"]),
            description="Hours a vessel waited at anchor before getting a berth.",
        ),
    },
    ins={
        # Calls that arrive late in the day depart the next day: read yesterday too.
        "port_calls": AssetIn(
            key=AssetKey(["raw", "port_calls"]),
            partition_mapping=TimeWindowPartitionMapping(start_offset=-1),
        )
    },
    partitions_def=daily_partitions,
    group_name=ANALYTICS_GROUP,
    code_version="2",
)
def turnaround_stats(port_calls: dict) -> tuple:
    """Turnaround and idle time per port call."""
    calls = pd.concat(list(port_calls.values())) if port_calls else pd.DataFrame()
    return calls.head(0), calls.head(0)
