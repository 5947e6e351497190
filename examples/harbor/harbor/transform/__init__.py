"""dbt transformations (project in ``examples/harbor/dbt_project``)."""
