"""Fleet analytics: vessel tracks, live positions, the fleet register, emissions."""

import pandas as pd
from dagster import (
    AllPartitionMapping,
    AssetDep,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    LastPartitionMapping,
    MaterializeResult,
    asset,
    multi_asset,
)

from harbor.constants import ANALYTICS_GROUP
from harbor.partitions import daily_partitions


@asset(
    key_prefix=["analytics", "fleet"],
    group_name=ANALYTICS_GROUP,
    partitions_def=daily_partitions,
    # Hourly upstream, daily downstream: each day reads its 24 hours.
    ins={"vessel_positions": AssetIn(key=AssetKey(["raw", "vessel_positions"]))},
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=7),
    code_version="5",
    owners=["team:vessel-tracking"],
    kinds={"pandas"},
)
def daily_vessel_tracks(vessel_positions: dict) -> pd.DataFrame:
    """One simplified track line per vessel per day."""
    frames = list(vessel_positions.values())
    return pd.concat(frames) if frames else pd.DataFrame(columns=["imo", "track"])


@asset(
    key_prefix=["analytics", "fleet"],
    group_name=ANALYTICS_GROUP,
    deps=[
        AssetDep(
            AssetKey(["raw", "vessel_positions"]),
            partition_mapping=LastPartitionMapping(),
        )
    ],
    kinds={"duckdb"},
)
def current_fleet_positions() -> None:
    """Where every vessel is now: the latest complete hour of AIS positions."""


@asset(
    key_prefix=["analytics", "fleet"],
    group_name=ANALYTICS_GROUP,
    ins={
        "vessel_profiles": AssetIn(
            key=["raw", "vessel_profiles"],
            partition_mapping=AllPartitionMapping(),
        )
    },
    deps=["vessel_registry"],
    owners=["team:vessel-tracking"],
    kinds={"pandas"},
)
def fleet_register(vessel_profiles: dict) -> pd.DataFrame:
    """Every vessel we have a profile for, joined to the vendor registry."""
    return pd.DataFrame(list(vessel_profiles.values()))


@multi_asset(
    specs=[
        AssetSpec(
            key=AssetKey(["analytics", "emissions", "co2_tonnes"]),
            group_name=ANALYTICS_GROUP,
            description="Estimated CO2 emitted per vessel per day.",
            deps=[AssetKey(["analytics", "fleet", "daily_vessel_tracks"])],
            kinds={"pandas"},
        ),
        AssetSpec(
            key=AssetKey(["analytics", "emissions", "sox_tonnes"]),
            group_name=ANALYTICS_GROUP,
            description="Estimated SOx emitted per vessel per day, from fuel sulphur content.",
            deps=[
                AssetKey(["analytics", "fleet", "daily_vessel_tracks"]),
                # Bunker prices and fuel grades live in the finance team's code location.
                AssetKey(["finance", "bunker_prices"]),
            ],
            kinds={"pandas"},
        ),
    ],
    partitions_def=daily_partitions,
)
def emissions_estimates(context: AssetExecutionContext):
    """Fuel-burn model applied to the day's tracks; writes both tables itself."""
    day = context.partition_key
    yield MaterializeResult(
        asset_key=AssetKey(["analytics", "emissions", "co2_tonnes"]), metadata={"day": day}
    )
    yield MaterializeResult(
        asset_key=AssetKey(["analytics", "emissions", "sox_tonnes"]), metadata={"day": day}
    )
