"""Harbor Logistics data platform (Dagster code location "harbor")."""
