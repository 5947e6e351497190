"""Voyages, port calls and vessel profiles from the carrier booking system."""

import pandas as pd
from dagster import AssetExecutionContext, asset

from harbor.partitions import daily_partitions, vessel_partitions


@asset(
    partitions_def=daily_partitions,
    # The vendor-managed registry (an external AssetSpec in harbor/external.py).
    # It is outside the loaded package, so the "raw" prefix is NOT added to it.
    deps=["vessel_registry"],
    code_version="2",
    kinds={"python", "duckdb"},
    owners=["team:voyage-ops"],
)
def voyages(context: AssetExecutionContext) -> pd.DataFrame:
    """Voyage legs that departed on the partition day, enriched with the vessel registry."""
    context.log.info(f"loading voyages departed on {context.partition_key}")
    return pd.DataFrame(
        columns=["voyage_id", "vessel_imo", "origin_port", "destination_port",
                 "departed_at", "arrived_at", "teu_capacity"]
    )


@asset(
    partitions_def=daily_partitions,
    # Customs declarations are loaded by the customs team's own pipeline; no asset in
    # this code location defines them, so Dagster adds a stub asset for this key.
    deps=["customs_declarations"],
    kinds={"python", "duckdb"},
    owners=["team:voyage-ops"],
)
def port_calls(context: AssetExecutionContext, voyages: pd.DataFrame) -> pd.DataFrame:
    """Arrival and departure of each voyage at each port it calls at.

    ``voyages`` is the asset above; after loading it is ``raw/voyages`` and the
    loader rewrites this input to that key.
    """
    return voyages.assign(port_code=None, berth=None)


@asset(
    partitions_def=vessel_partitions,
    deps=["vessel_registry"],
    kinds={"python"},
)
def vessel_profiles(context: AssetExecutionContext) -> dict:
    """Particulars of one vessel (dynamic partition = IMO number)."""
    return {"imo": context.partition_key, "dwt": None, "flag": None}
