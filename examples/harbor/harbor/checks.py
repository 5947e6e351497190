"""Data-quality checks. Checks are not assets; they annotate the asset they target."""

import pandas as pd
from dagster import AssetCheckResult, AssetKey, asset_check


@asset_check(
    asset=AssetKey(["analytics", "fleet", "fleet_register"]),
    description="Every IMO number appears once in the fleet register.",
    blocking=True,
)
def fleet_register_imo_unique(fleet_register: pd.DataFrame) -> AssetCheckResult:
    duplicated = int(fleet_register["imo"].duplicated().sum()) if "imo" in fleet_register else 0
    return AssetCheckResult(passed=duplicated == 0, metadata={"duplicated_imos": duplicated})
