"""Writes the rows computed by build.ts into Dagster 1.12's SQLite schema (the tables the state
reader uses, with Dagster's DDL and indexes), then checkpoints so no -wal file is left behind."""
import json
import os
import sqlite3
import sys

rows_path, home = sys.argv[1], sys.argv[2]
rows = json.load(open(rows_path))

INDEX_DDL = """
CREATE TABLE event_logs (id INTEGER NOT NULL, run_id VARCHAR(255), event TEXT NOT NULL, dagster_event_type TEXT,
  timestamp TIMESTAMP, step_key TEXT, asset_key TEXT, partition TEXT, PRIMARY KEY (id));
CREATE INDEX idx_event_type ON event_logs (dagster_event_type, id);
CREATE INDEX idx_events_by_asset_partition ON event_logs (asset_key, dagster_event_type, partition, id);
CREATE INDEX idx_events_by_asset ON event_logs (asset_key, dagster_event_type, id);
CREATE INDEX idx_events_by_run_id ON event_logs (run_id, id);
CREATE TABLE asset_keys (id INTEGER NOT NULL, asset_key VARCHAR(512), last_materialization TEXT, last_run_id VARCHAR(255),
  asset_details TEXT, wipe_timestamp TIMESTAMP, last_materialization_timestamp TIMESTAMP, tags TEXT,
  create_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP, cached_status_data TEXT, PRIMARY KEY (id), UNIQUE (asset_key));
CREATE TABLE asset_event_tags (id INTEGER NOT NULL, event_id INTEGER, asset_key TEXT NOT NULL, "key" TEXT NOT NULL,
  value TEXT, event_timestamp TIMESTAMP, PRIMARY KEY (id));
CREATE INDEX idx_asset_event_tags_event_id ON asset_event_tags (event_id);
CREATE INDEX idx_asset_event_tags ON asset_event_tags (asset_key, "key", value);
CREATE TABLE dynamic_partitions (id INTEGER NOT NULL, partitions_def_name TEXT NOT NULL, partition TEXT NOT NULL,
  create_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id));
"""
RUNS_DDL = """
CREATE TABLE runs (id INTEGER NOT NULL, run_id VARCHAR(255), snapshot_id VARCHAR(255), pipeline_name TEXT, mode TEXT,
  status VARCHAR(63), run_body TEXT, partition TEXT, partition_set TEXT, create_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
  update_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP, start_time FLOAT, end_time FLOAT, backfill_id VARCHAR(255),
  PRIMARY KEY (id), UNIQUE (run_id));
CREATE TABLE run_tags (id INTEGER NOT NULL, run_id VARCHAR(255), "key" TEXT, value TEXT, PRIMARY KEY (id),
  FOREIGN KEY(run_id) REFERENCES runs (run_id) ON DELETE CASCADE);
CREATE INDEX idx_run_tags ON run_tags ("key", value);
"""


def open_db(path, ddl):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")  # as Dagster does
    db.executescript(ddl)
    return db


index = open_db(os.path.join(home, "history", "runs", "index.db"), INDEX_DDL)
index.executemany("INSERT INTO event_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows["events"])
index.executemany("INSERT INTO asset_event_tags (event_id, asset_key, key, value, event_timestamp) VALUES (?, ?, ?, ?, ?)", rows["eventTags"])
index.executemany("INSERT INTO asset_keys (asset_key, last_materialization_timestamp) VALUES (?, ?)", rows["assetKeys"])
index.commit()
index.execute("PRAGMA wal_checkpoint(TRUNCATE)")
index.close()

runs = open_db(os.path.join(home, "history", "runs.db"), RUNS_DDL)
runs.executemany(
    "INSERT INTO runs (run_id, pipeline_name, status, run_body, create_timestamp, update_timestamp, start_time, end_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    rows["runs"],
)
runs.commit()
runs.execute("PRAGMA wal_checkpoint(TRUNCATE)")
runs.close()
