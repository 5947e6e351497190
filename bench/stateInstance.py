"""Writes the Dagster instance `npm run bench:state` reads: a layered DAG of daily-partitioned assets
materialized day by day, the way Dagster 1.12 stores it in SQLite (the DDL, event JSON, provenance
tags and asset_event_tags rows of scripts/exampleInstance, checked against the real 1.12 instance in
test/fixtures/dagster-instances). Also writes graph.json (the assets and their dependencies, for the
benchmark's AssetGraph) and summary.json (what was written, for the benchmark's checks).

    python3 bench/stateInstance.py OUT '{"assets": 10000, "partitions": 100, "seed": 1}'

History, in id order:
  1. one backfill-style pass per day: runs of 100 assets (in dependency order) materialize that day's
     partition (planned events first, then the materializations); the last day is done for 95 % of
     the assets, the rest sit in runs still STARTED (planned only: in progress, never materialized);
  2. re-materializations of ~3 % of the asset partitions (assets without a code version get a new
     data version, so their children's inputs changed; those with one get the same version again);
  3. failures of ~0.5 % (ASSET_FAILED_TO_MATERIALIZE in FAILURE runs), one CANCELED run of planned
     materializations (failed by the run), then the STARTED runs of step 1.
Provenance follows Dagster (`_get_input_provenance_data`): `dagster/input_event_pointer/<up>` is the
upstream asset's latest record (any partition) when the input was loaded; the input data version of a
partitioned upstream combines the mapped upstream partitions' versions. Only
`dagster/data_version` goes to asset_event_tags (Dagster indexes just that tag and multi-partition
dimensions).
"""
import hashlib
import json
import os
import random
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta, timezone

out_dir = sys.argv[1]
params = json.loads(sys.argv[2])
N = int(params["assets"])
P = int(params["partitions"])
SEED = int(params["seed"])
RUN_SIZE = 100
rng = random.Random(SEED)

INDEX_DDL = """
CREATE TABLE event_logs (id INTEGER NOT NULL, run_id VARCHAR(255), event TEXT NOT NULL, dagster_event_type TEXT,
  timestamp TIMESTAMP, step_key TEXT, asset_key TEXT, partition TEXT, PRIMARY KEY (id));
CREATE TABLE secondary_indexes (id INTEGER NOT NULL, name VARCHAR(512), create_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
  migration_completed DATETIME, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE asset_keys (id INTEGER NOT NULL, asset_key VARCHAR(512), last_materialization TEXT, last_run_id VARCHAR(255),
  asset_details TEXT, wipe_timestamp TIMESTAMP, last_materialization_timestamp TIMESTAMP, tags TEXT,
  create_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP, cached_status_data TEXT, PRIMARY KEY (id), UNIQUE (asset_key));
CREATE TABLE asset_event_tags (id INTEGER NOT NULL, event_id INTEGER, asset_key TEXT NOT NULL, "key" TEXT NOT NULL,
  value TEXT, event_timestamp TIMESTAMP, PRIMARY KEY (id));
CREATE TABLE dynamic_partitions (id INTEGER NOT NULL, partitions_def_name TEXT NOT NULL, partition TEXT NOT NULL,
  create_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id));
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
"""
# Created after the rows are in (a sort instead of a b-tree grown row by row); same indexes as Dagster's.
INDEX_INDEXES = """
CREATE INDEX idx_events_by_run_id ON event_logs (run_id, id);
CREATE INDEX idx_step_key ON event_logs (step_key);
CREATE INDEX idx_event_type ON event_logs (dagster_event_type, id);
CREATE INDEX idx_events_by_asset_partition ON event_logs (asset_key, dagster_event_type, partition, id);
CREATE INDEX idx_events_by_asset ON event_logs (asset_key, dagster_event_type, id);
CREATE INDEX idx_asset_event_tags ON asset_event_tags (asset_key, "key", value);
CREATE INDEX idx_asset_event_tags_event_id ON asset_event_tags (event_id);
CREATE UNIQUE INDEX idx_dynamic_partitions ON dynamic_partitions (partitions_def_name, partition);
"""
RUNS_DDL = """
CREATE TABLE runs (id INTEGER NOT NULL, run_id VARCHAR(255), snapshot_id VARCHAR(255), pipeline_name TEXT, mode TEXT,
  status VARCHAR(63), run_body TEXT, partition TEXT, partition_set TEXT, create_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
  update_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP, start_time FLOAT, end_time FLOAT, backfill_id VARCHAR(255),
  PRIMARY KEY (id), UNIQUE (run_id));
CREATE TABLE run_tags (id INTEGER NOT NULL, run_id VARCHAR(255), "key" TEXT, value TEXT, PRIMARY KEY (id),
  FOREIGN KEY(run_id) REFERENCES runs (run_id) ON DELETE CASCADE);
CREATE INDEX idx_run_tags_run_idx ON run_tags (run_id, id);
CREATE INDEX idx_run_tags ON run_tags ("key", value);
CREATE INDEX idx_run_status ON runs (status);
"""

# ------------------------------------------------------------------------------------------------
# The graph
# ------------------------------------------------------------------------------------------------

LAYER_SIZE = 250
layer_count = max(2, round(N / LAYER_SIZE))
layer_of = [i * layer_count // N for i in range(N)]
layer_members = [[] for _ in range(layer_count)]
for i in range(N):
    layer_members[layer_of[i]].append(i)

keys = [["bench", f"l{layer_of[i]:02d}", f"asset_{i:05d}"] for i in range(N)]
users = ["/".join(k) for k in keys]
stored = [json.dumps(k) for k in keys]  # Python's spacing: ["a", "b"]
deps = []  # per asset: [(parent, offset)] with offset 0 (inferred time window) or -1 (start_offset=-1)
for i in range(N):
    layer = layer_of[i]
    if layer == 0:
        deps.append([])
        continue
    count = rng.choices([1, 2, 3], weights=[45, 35, 20])[0]
    parents = [rng.choice(layer_members[layer - 1])]
    for _ in range(count - 1):
        source = rng.randrange(0, layer) if rng.random() < 0.1 else max(0, layer - 1 - rng.randrange(0, 3))
        candidate = rng.choice(layer_members[source])
        if candidate not in parents:
            parents.append(candidate)
    deps.append([(p, -1 if rng.random() < 0.12 else 0) for p in parents])
# 30 % define a code version; the events record v1, and 1 % of those say v2 in the code now.
recorded_code_version = [("v1" if rng.random() < 0.3 else None) for _ in range(N)]
current_code_version = [("v2" if cv and rng.random() < 0.01 else cv) for cv in recorded_code_version]

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
days = [(START + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(P)]


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def naive(ts):
    return datetime.fromtimestamp(ts, timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def run_id_of():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# ------------------------------------------------------------------------------------------------
# The databases
# ------------------------------------------------------------------------------------------------

home = os.path.join(out_dir, "home")
os.makedirs(os.path.join(home, "history", "runs"), exist_ok=True)


def open_db(path, ddl):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-200000")
    db.executescript(ddl)
    return db


index = open_db(os.path.join(home, "history", "runs", "index.db"), INDEX_DDL)
index.execute("INSERT INTO alembic_version VALUES ('29b539ebc72a')")
runs_db = open_db(os.path.join(home, "history", "runs.db"), RUNS_DDL)

event_rows = []
tag_rows = []
run_rows = []
run_tag_rows = []


def flush(final=False):
    if len(event_rows) >= 20000 or final:
        index.executemany("INSERT INTO event_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", event_rows)
        index.executemany("INSERT INTO asset_event_tags (event_id, asset_key, key, value, event_timestamp) VALUES (?, ?, ?, ?, ?)", tag_rows)
        event_rows.clear()
        tag_rows.clear()


def dumps(value):
    return json.dumps(value, sort_keys=True)  # Dagster's serdes writes sorted keys


def entry(run_id, ts, step_key, dagster_event):
    event = {
        "__class__": "DagsterEvent",
        "logging_tags": {"job_name": "__ASSET_JOB", "op_name": step_key, "resource_fn_name": "None", "resource_name": "None", "run_id": run_id, "step_key": step_key} if step_key else {},
        "pid": 41000 + int(run_id[:3], 16) if step_key else None,
        "pipeline_name": "__ASSET_JOB",
        "solid_handle": {"__class__": "SolidHandle", "name": step_key, "parent": None} if step_key else None,
        "step_handle": {"__class__": "StepHandle", "key": step_key, "solid_handle": {"__class__": "SolidHandle", "name": step_key, "parent": None}} if step_key else None,
        "step_key": step_key,
        "step_kind_value": "COMPUTE" if step_key else None,
    }
    event.update(dagster_event)
    return {
        "__class__": "EventLogEntry",
        "dagster_event": event,
        "error_info": None,
        "level": 10,
        "message": "",
        "pipeline_name": "__ASSET_JOB",
        "run_id": run_id,
        "step_key": step_key,
        "timestamp": ts,
        "user_message": event.get("message", ""),
    }


next_id = 0
clock = (START + timedelta(days=1, hours=1)).timestamp()


def add_event(run_id, kind, payload, step_key=None, asset=None, partition=None):
    global next_id, clock
    next_id += 1
    clock += 0.25 + rng.random() * 0.1
    ts = round(clock, 6)
    text = dumps(entry(run_id, ts, step_key, payload))
    event_rows.append((next_id, run_id, text, kind, naive(ts), step_key, stored[asset] if asset is not None else None, partition))
    return next_id, ts, text


def asset_key_json(i):
    return {"__class__": "AssetKey", "path": keys[i]}


def step_of(i):
    return f"bench__{keys[i][1]}__{keys[i][2]}"


# State the provenance and the summary need.
latest_by_partition = {}  # (asset, day) -> (id, data version)
latest_by_asset = {}  # asset -> id of its latest materialization (any partition)
last_mat = {}  # (asset, day) -> id
last_fail = {}  # (asset, day) -> id
last_planned = {}  # (asset, day) -> (id, run status)
# The sampled checks: provenance of the latest materialization of 400 asset partitions.
sampled = set(random.Random(SEED + 1).sample([(i, d) for i in range(N) for d in range(P - 1)], min(400, N * (P - 1))))
records = {}
counts = {"materializations": 0, "planned": 0, "failures": 0, "runEvents": 0}
asset_last = {}  # asset -> (id, run id, ts, event text) for asset_keys.last_materialization


def materialize(i, d, run_id):
    code_version = recorded_code_version[i] or run_id
    tags = {"dagster/code_version": code_version}
    inputs = []
    pointers = {}
    versions = {}
    for p, offset in deps[i]:
        mapped = [d - 1, d] if offset == -1 and d > 0 else [d]
        version = sha256(",".join(latest_by_partition.get((p, k), (None, "NULL"))[1] for k in mapped))
        pointer = latest_by_asset.get(p)
        tags[f"dagster/input_data_version/{users[p]}"] = version
        tags[f"dagster/input_event_pointer/{users[p]}"] = "NULL" if pointer is None else str(pointer)
        inputs.append(f"{users[p]}:{version}")
        versions[users[p]] = version
        pointers[users[p]] = pointer
    data_version = sha256("|".join([code_version] + sorted(inputs)))
    tags["dagster/data_version"] = data_version
    step = step_of(i)
    rows = 1000 + (i * 7919 + d * 104729) % 90000
    materialization = {
        "__class__": "AssetMaterialization",
        "asset_key": asset_key_json(i),
        "description": None,
        "metadata_entries": [
            {"__class__": "EventMetadataEntry", "description": None, "entry_data": {"__class__": "IntMetadataEntryData", "value": rows}, "label": "dagster/row_count"},
            {"__class__": "EventMetadataEntry", "description": None, "entry_data": {"__class__": "PathMetadataEntryData", "path": f"/opt/dagster/storage/{'/'.join(keys[i])}/{days[d]}"}, "label": "path"},
        ],
        "partition": days[d],
        "tags": tags,
    }
    payload = {
        "event_specific_data": {"__class__": "StepMaterializationData", "asset_lineage": [], "materialization": materialization},
        "event_type_value": "ASSET_MATERIALIZATION",
        "message": f"Materialized value {step}.",
    }
    event_id, ts, text = add_event(run_id, "ASSET_MATERIALIZATION", payload, step, i, days[d])
    tag_rows.append((event_id, stored[i], "dagster/data_version", data_version, naive(ts)))
    latest_by_partition[(i, d)] = (event_id, data_version)
    latest_by_asset[i] = event_id
    last_mat[(i, d)] = event_id
    if (i, d) in sampled:
        records[(i, d)] = {"storageId": event_id, "runId": run_id, "timestamp": ts, "dataVersion": data_version, "codeVersion": code_version, "inputDataVersions": versions, "inputEventPointers": pointers}
    asset_last[i] = (event_id, run_id, ts, text)
    counts["materializations"] += 1


def plan(i, d, run_id, status):
    payload = {
        "event_specific_data": {"__class__": "AssetMaterializationPlannedData", "asset_key": asset_key_json(i), "partition": days[d], "partitions_subset": None},
        "event_type_value": "ASSET_MATERIALIZATION_PLANNED",
        "message": f"__ASSET_JOB intends to materialize asset {json.dumps(keys[i])}",
        "pid": None,
        "step_kind_value": None,
        "logging_tags": {},
        "solid_handle": None,
        "step_handle": None,
    }
    event_id, _, _ = add_event(run_id, "ASSET_MATERIALIZATION_PLANNED", payload, step_of(i), i, days[d])
    last_planned[(i, d)] = (event_id, status)
    counts["planned"] += 1


def fail(i, d, run_id, reason):
    payload = {
        "event_specific_data": {
            "__class__": "AssetFailedToMaterializeData",
            "asset_materialization_failure": {
                "__class__": "AssetMaterializationFailure",
                "asset_key": asset_key_json(i),
                "description": None,
                "metadata_entries": [],
                "partition": days[d],
                "reason": {"__enum__": f"AssetMaterializationFailureReason.{reason}"},
                "tags": {},
            },
            "error": None,
        },
        "event_type_value": "ASSET_FAILED_TO_MATERIALIZE",
        "message": f"Asset {json.dumps(keys[i])} failed to materialize.",
    }
    event_id, _, _ = add_event(run_id, "ASSET_FAILED_TO_MATERIALIZE", payload, step_of(i), i, days[d])
    last_fail[(i, d)] = event_id
    counts["failures"] += 1


run_statuses = {}


def run(pairs, status, partition=None, backfill=None, kind="materialize"):
    """One run over (asset, day) pairs: planned events first, then each step's outcome."""
    run_id = run_id_of()
    start = clock
    add_event(run_id, "PIPELINE_START", {"event_specific_data": None, "event_type_value": "PIPELINE_START", "message": 'Started execution of run for "__ASSET_JOB".', "pid": 40999})
    counts["runEvents"] += 1
    for i, d in pairs:
        plan(i, d, run_id, status)
    if kind == "materialize":
        for i, d in pairs:
            materialize(i, d, run_id)
    elif kind == "fail":
        for n, (i, d) in enumerate(pairs):
            fail(i, d, run_id, "COMPUTE_FAILED" if n == 0 else "UPSTREAM_COMPUTE_FAILED")
    end = None
    if status in ("SUCCESS", "FAILURE", "CANCELED"):
        finished = {"SUCCESS": "PIPELINE_SUCCESS", "FAILURE": "PIPELINE_FAILURE", "CANCELED": "PIPELINE_CANCELED"}[status]
        add_event(run_id, finished, {"event_specific_data": None, "event_type_value": finished, "message": 'Finished execution of run for "__ASSET_JOB".', "pid": 40999})
        counts["runEvents"] += 1
        end = clock
    flush()
    run_statuses[run_id] = status
    selection = sorted({tuple(keys[i]) for i, _ in pairs})
    body = dumps({
        "__class__": "PipelineRun",
        "asset_check_selection": {"__frozenset__": []},
        "asset_selection": {"__frozenset__": [{"__class__": "AssetKey", "path": list(k)} for k in selection[:5]]},
        "mode": None,
        "parent_run_id": None,
        "pipeline_name": "__ASSET_JOB",
        "root_run_id": None,
        "run_config": {},
        "run_id": run_id,
        "status": {"__enum__": f"PipelineRunStatus.{status}"},
        "step_keys_to_execute": [step_of(i) for i, _ in pairs[:5]],
        "tags": {"dagster/partition": partition} if partition else {},
    })
    run_rows.append((run_id, "snapshot-bench", "__ASSET_JOB", None, status, body, None, None, naive(start), naive(clock), start, end, backfill))
    if partition:
        run_tag_rows.append((run_id, "dagster/partition", partition))
    if backfill:
        run_tag_rows.append((run_id, "dagster/backfill", backfill))
    run_tag_rows.append((run_id, "dagster/code_location", "bench"))


# 1. Day by day.
in_progress_from = int(N * 0.95)
late = []
for d in range(P):
    clock = max(clock, (START + timedelta(days=d + 1, hours=1)).timestamp())
    upto = in_progress_from if d == P - 1 else N
    for s in range(0, upto, RUN_SIZE):
        run([(i, d) for i in range(s, min(upto, s + RUN_SIZE))], "SUCCESS", days[d], "benchfill")
    if d == P - 1:
        late = [(i, d) for i in range(in_progress_from, N)]

# 2. Re-materializations (~3 %), per day, parents before children.
clock += 3600
again = sorted(rng.sample([(i, d) for i in range(N) for d in range(P - 1)], int(N * P * 0.03)), key=lambda p: (p[1], p[0]))
for d in range(P - 1):
    todo = [p for p in again if p[1] == d]
    for s in range(0, len(todo), RUN_SIZE):
        run(todo[s : s + RUN_SIZE], "SUCCESS", days[d])

# 3. Failures (~0.5 %), a cancelled run, then the runs still going (the last day's remaining assets).
clock += 3600
failing = sorted(rng.sample([(i, d) for i in range(N) for d in range(P - 1)], int(N * P * 0.005)), key=lambda p: (p[1], p[0]))
for d in range(P - 1):
    todo = [p for p in failing if p[1] == d]
    for s in range(0, len(todo), 25):
        run(todo[s : s + 25], "FAILURE", days[d], kind="fail")
cancelled = sorted(rng.sample([(i, P - 2) for i in range(N)], min(N, 200)))
run(cancelled, "CANCELED", days[P - 2], kind="plan")
for s in range(0, len(late), RUN_SIZE):
    run(late[s : s + RUN_SIZE], "STARTED", days[P - 1], kind="plan")
flush(final=True)

for i, (event_id, run_id, ts, text) in sorted(asset_last.items()):
    record = dumps({"__class__": "EventLogRecord", "event_log_entry": json.loads(text), "storage_id": event_id})
    index.execute(
        "INSERT INTO asset_keys (asset_key, last_materialization, last_run_id, last_materialization_timestamp) VALUES (?, ?, ?, ?)",
        (stored[i], record, run_id, naive(ts)),
    )
index.executescript(INDEX_INDEXES)
index.commit()
runs_db.executemany(
    "INSERT INTO runs (run_id, snapshot_id, pipeline_name, mode, status, run_body, partition, partition_set, create_timestamp, update_timestamp, start_time, end_time, backfill_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    run_rows,
)
runs_db.executemany("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)", run_tag_rows)
runs_db.commit()
for db in (index, runs_db):
    db.execute("PRAGMA journal_mode=WAL")  # as Dagster leaves them
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()

# ------------------------------------------------------------------------------------------------
# What the benchmark checks against
# ------------------------------------------------------------------------------------------------

failed_runs = {"FAILURE", "CANCELED"}
finished_runs = {"SUCCESS", "FAILURE", "CANCELED"}
status_counts = {"materialized": 0, "failed": 0, "in_progress": 0, "missing": 0}
statuses = {}
for pair in set(last_mat) | set(last_fail) | set(last_planned):
    mat = last_mat.get(pair, -1)
    status = "materialized" if pair in last_mat else "missing"
    if last_fail.get(pair, -1) > mat:
        status = "failed"
    elif pair in last_planned and last_planned[pair][0] > mat:
        if last_planned[pair][1] in failed_runs:
            status = "failed"
        elif last_planned[pair][1] not in finished_runs:
            status = "in_progress"
    statuses[pair] = status
    status_counts[status] += 1
samples = [{"asset": users[i], "partition": days[d], "status": statuses[(i, d)], **records[(i, d)]} for i, d in sorted(records)]
# Partitions with a record that are not failed (fresh or stale to the staleness rules).
with_record = sum(1 for pair, status in statuses.items() if pair in last_mat and status != "failed")
by_status = {}
for status in run_statuses.values():
    by_status[status] = by_status.get(status, 0) + 1
summary = {
    "params": params,
    "now": (START + timedelta(days=P, hours=12)).isoformat().replace("+00:00", "Z"),
    "events": next_id,
    "materializations": counts["materializations"],
    "plannedEvents": counts["planned"],
    "failureEvents": counts["failures"],
    "runEvents": counts["runEvents"],
    "runs": len(run_rows),
    "runsByStatus": by_status,
    "assets": N,
    "assetPartitions": len(statuses),
    "partitionStatus": status_counts,
    "withRecord": with_record,
    "samples": samples,
}
graph = {
    "partitions": {"start": days[0], "count": P},
    "assets": [
        {"key": keys[i], "codeVersion": current_code_version[i], "deps": [{"key": keys[p], "startOffset": offset} for p, offset in deps[i]]}
        for i in range(N)
    ],
}
with open(os.path.join(out_dir, "graph.json"), "w") as f:
    json.dump(graph, f)
with open(os.path.join(out_dir, "summary.json"), "w") as f:
    json.dump(summary, f)
print(json.dumps({k: v for k, v in summary.items() if k != "samples"}))
