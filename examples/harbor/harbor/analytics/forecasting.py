"""Berth demand forecasting (written by the data-science team, ``import dagster as dg`` style)."""

import dagster as dg

from harbor.constants import ANALYTICS_GROUP
from harbor.partitions import weekly_partitions


@dg.asset(
    key=["analytics", "forecast", "berth_demand_forecast"],
    group_name=ANALYTICS_GROUP,
    partitions_def=weekly_partitions,
    deps=[
        # dbt model marts/port_kpis (models/marts/port_kpis.sql).
        dg.AssetKey(["marts", "port_kpis"]),
        dg.AssetKey(["analytics", "congestion", "weekly_congestion_index"]),
    ],
    code_version="0.4.1",
    owners=["team:data-science"],
    kinds={"python", "scikitlearn"},
    tags={"model": "gbm"},
)
def berth_demand_forecast(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Berth-hours demanded per terminal for the next four weeks, refit every week."""
    return dg.MaterializeResult(metadata={"fitted_on_week": context.partition_key})
