"""The single Definitions object of the "harbor" code location."""

from dagster import (
    AssetKey,
    AssetSelection,
    Definitions,
    build_schedule_from_partitioned_job,
    define_asset_job,
    load_assets_from_modules,
    load_assets_from_package_module,
)
from dagster_dbt import DbtCliResource

from harbor import ingestion, port_feeds
from harbor.analytics import congestion, fleet, forecasting, throughput
from harbor.checks import fleet_register_imo_unique
from harbor.constants import INGESTION_GROUP, RAW_PREFIX
from harbor.external import tide_tables, vessel_registry
from harbor.partitions import daily_partitions
from harbor.transform.assets import harbor_dbt_models, harbor_dbt_project

# Every asset in harbor/ingestion/*.py gets the key prefix "raw" and the group
# "ingestion". The SourceAsset ais_feed gets the group but keeps its key.
ingestion_assets = load_assets_from_package_module(
    ingestion,
    group_name=INGESTION_GROUP,
    key_prefix=RAW_PREFIX,
)

# Factory-built gate feeds (a module-level list) and the analytics modules; these set
# their own keys and groups, so the loader is called without prefix or group.
feed_assets = load_assets_from_modules([port_feeds])
analytics_assets = load_assets_from_modules([throughput, congestion, fleet, forecasting])

daily_voyages_job = define_asset_job(
    name="daily_voyages_job",
    selection=AssetSelection.assets(
        AssetKey([RAW_PREFIX, "voyages"]),
        AssetKey([RAW_PREFIX, "port_calls"]),
    ),
    partitions_def=daily_partitions,
)

defs = Definitions(
    assets=[
        *ingestion_assets,
        *feed_assets,
        *analytics_assets,
        harbor_dbt_models,
        vessel_registry,
        tide_tables,
    ],
    asset_checks=[fleet_register_imo_unique],
    jobs=[daily_voyages_job],
    schedules=[build_schedule_from_partitioned_job(daily_voyages_job, hour_of_day=3)],
    resources={
        "dbt": DbtCliResource(project_dir=harbor_dbt_project),
    },
)
