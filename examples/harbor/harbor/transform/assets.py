"""The dbt project as Dagster assets.

Default ``DagsterDbtTranslator``:
- dbt source ``raw.voyages`` -> AssetKey(["raw", "voyages"]), which is exactly the key
  of the Python asset ``voyages`` loaded with ``key_prefix="raw"``, so staging models
  hang off the Python ingestion assets;
- models without a configured schema -> [model_name]; models under ``marts/``
  (``+schema: marts``) -> ["marts", model_name];
- group from ``meta.dagster.group`` (``+meta`` in dbt_project.yml, overridden for one
  model in models/schema.yml).
"""

from pathlib import Path

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

harbor_dbt_project = DbtProject(
    project_dir=Path(__file__).joinpath("..", "..", "..", "dbt_project").resolve(),
)
# Re-parses the project (writes target/manifest.json) only under `dagster dev`.
harbor_dbt_project.prepare_if_dev()


@dbt_assets(
    manifest=harbor_dbt_project.manifest_path,
    project=harbor_dbt_project,
    select="fqn:*",
    name="harbor_dbt_models",
)
def harbor_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()
