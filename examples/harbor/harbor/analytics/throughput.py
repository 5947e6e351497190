"""Terminal throughput: TEU moved per port, per day, per month, per region."""

import pandas as pd
from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AutomationCondition,
    BackfillPolicy,
    StaticPartitionMapping,
    asset,
)

from harbor.constants import ANALYTICS_GROUP
from harbor.partitions import (
    daily_partitions,
    monthly_partitions,
    port_partitions,
    region_partitions,
)


@asset(
    key_prefix=["analytics", "throughput"],
    group_name=ANALYTICS_GROUP,
    partitions_def=daily_partitions,
    # raw/container_moves is (date, port)-partitioned; each day reads its four ports.
    ins={"container_moves": AssetIn(key=["raw", "container_moves"])},
    code_version="3",
    backfill_policy=BackfillPolicy.single_run(),
    owners=["team:port-analytics", "marta.vos@harbor.example"],
    tags={"domain": "throughput", "tier": "gold"},
    kinds={"pandas", "duckdb"},
)
def daily_port_throughput(
    context: AssetExecutionContext, container_moves: dict
) -> pd.DataFrame:
    """TEU loaded and discharged per port for one day."""
    frames = list(container_moves.values())
    return pd.concat(frames) if frames else pd.DataFrame(columns=["port", "teu"])


@asset(
    key_prefix=["analytics", "reports"],
    group_name=ANALYTICS_GROUP,
    partitions_def=monthly_partitions,
    code_version="1",
    owners=["team:port-analytics"],
    kinds={"pandas"},
)
def monthly_port_report(daily_port_throughput: dict) -> pd.DataFrame:
    """Month-to-date throughput per port, sent to the port authorities.

    The input is named only by its parameter, ``daily_port_throughput`` (key
    ``["daily_port_throughput"]``). No asset has that exact key; Dagster resolves it
    to ``analytics/throughput/daily_port_throughput`` because that is the only asset
    in the "analytics" group whose key ends with this name.
    """
    frames = list(daily_port_throughput.values())
    return pd.concat(frames) if frames else pd.DataFrame(columns=["port", "teu"])


@asset(
    key_prefix="analytics",
    group_name=ANALYTICS_GROUP,
    deps=[AssetKey(["analytics", "throughput", "daily_port_throughput"])],
    automation_condition=AutomationCondition.eager(),
    owners=["team:port-analytics"],
    kinds={"duckdb"},
)
def port_league_table() -> None:
    """All-time ranking of the ports by TEU, rebuilt whenever a day of throughput lands."""


@asset(
    key_prefix=["analytics", "throughput"],
    group_name=ANALYTICS_GROUP,
    partitions_def=port_partitions,
    ins={"container_moves": AssetIn(AssetKey(["raw", "container_moves"]))},
    kinds={"pandas"},
)
def port_throughput_by_port(container_moves: dict) -> pd.DataFrame:
    """History of one port's throughput across every day (static port partition)."""
    frames = list(container_moves.values())
    return pd.concat(frames) if frames else pd.DataFrame(columns=["date", "teu"])


@asset(
    key_prefix=["analytics", "throughput"],
    group_name=ANALYTICS_GROUP,
    partitions_def=region_partitions,
    deps=[
        AssetDep(
            AssetKey(["analytics", "throughput", "port_throughput_by_port"]),
            partition_mapping=StaticPartitionMapping(
                {
                    "rotterdam": "europe",
                    "singapore": "asia",
                    "shanghai": "asia",
                    "los_angeles": "americas",
                }
            ),
        )
    ],
    kinds={"duckdb"},
)
def regional_throughput(context: AssetExecutionContext) -> None:
    """Throughput rolled up to the commercial regions used by finance."""
    context.log.info(f"rolling up region {context.partition_key}")
