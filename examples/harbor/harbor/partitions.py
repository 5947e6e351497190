"""Partitions definitions reused by several modules.

Assets that share a definition must share the *object* (or an equal one) so that
Dagster can infer partition mappings between them, e.g. the ``date`` dimension of
``daily_port_partitions`` is ``daily_partitions`` itself.
"""

from dagster import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    MultiPartitionsDefinition,
    StaticPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

# Keys "2024-01-01", "2024-01-02", ... (the current, unfinished day is excluded).
daily_partitions = DailyPartitionsDefinition(start_date="2024-01-01", timezone="UTC")

# AIS positions only exist since the satellite contract started on 1 June 2024.
# The start string must use the hourly format "%Y-%m-%d-%H:%M".
hourly_partitions = HourlyPartitionsDefinition(start_date="2024-06-01-00:00")

# The four ports Harbor operates terminals in.
port_partitions = StaticPartitionsDefinition(
    ["rotterdam", "singapore", "shanghai", "los_angeles"]
)

# Commercial regions used by the finance reports.
region_partitions = StaticPartitionsDefinition(["europe", "asia", "americas"])

# Keys "2024-01-01|rotterdam", ... (dimensions are sorted by name: date, port).
daily_port_partitions = MultiPartitionsDefinition(
    {"date": daily_partitions, "port": port_partitions}
)

# One partition per vessel IMO number, added by the vessel-onboarding sensor.
vessel_partitions = DynamicPartitionsDefinition(name="vessels")

# Keys "2024-01-01", "2024-02-01", ... (monthly keys use "%Y-%m-%d", not "%Y-%m").
monthly_partitions = MonthlyPartitionsDefinition(start_date="2024-01-01")

# Weeks start on Sunday; 2024-01-07 is the first Sunday of 2024.
weekly_partitions = WeeklyPartitionsDefinition(start_date="2024-01-07")
