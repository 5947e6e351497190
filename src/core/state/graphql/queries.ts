/**
 * Every GraphQL document the extension sends to a Dagster webserver. Each export is a whole
 * document, checked in `test/unit/state/graphqlQueries.test.ts` against Dagster's published schema
 * (`test/fixtures/dagster-graphql/schema.graphql`). Only fields of that schema are asked for, so a
 * webserver of that version or later answers them; the fragments below are building blocks, not
 * exported, because a lone fragment is not a valid document.
 *
 * `assetNodes` is always given a non-empty key list: Dagster reads an explicit `[]` as "none" in
 * newer versions and "all" in older ones, and `null` fails in older ones, so "all assets" is its
 * own document without the argument.
 */

const assetNodeFields = `
fragment AssetLineageNode on AssetNode {
  assetKey { path }
  isPartitioned
  isSource
  isExecutable
  isObservable
  opVersion
  partitionDefinition {
    type
    name
    dimensionTypes { name type isPrimaryDimension dynamicPartitionsDefinitionName }
  }
  partitionKeysByDimension { name partitionKeys }
  assetPartitionStatuses {
    __typename
    ...AssetLineageTimeStatuses
    ...AssetLineageDefaultStatuses
    ... on MultiPartitionStatuses {
      primaryDimensionName
      ranges {
        primaryDimStartKey
        primaryDimEndKey
        secondaryDim {
          __typename
          ...AssetLineageTimeStatuses
          ...AssetLineageDefaultStatuses
        }
      }
    }
  }
}

fragment AssetLineageTimeStatuses on TimePartitionStatuses {
  ranges { startKey endKey status }
}

fragment AssetLineageDefaultStatuses on DefaultPartitionStatuses {
  materializedPartitions
  failedPartitions
  materializingPartitions
}
`;

const staleCauseFields = `
fragment AssetLineageStaleCause on StaleCause {
  key { path }
  partitionKey
  category
  reason
  dependency { path }
  dependencyPartitionKey
}
`;

/** Definitions, partition keys and partition statuses of the given assets. */
export const assetNodesQuery = `
query AssetLineageAssetNodes($assetKeys: [AssetKeyInput!]!) {
  assetNodes(assetKeys: $assetKeys) { ...AssetLineageNode }
}
${assetNodeFields}`;

/** The same for every asset the webserver knows. */
export const allAssetNodesQuery = `
query AssetLineageAllAssetNodes {
  assetNodes { ...AssetLineageNode }
}
${assetNodeFields}`;

/**
 * Unpartitioned assets: Dagster's stale status and root causes, and what their latest run and
 * materialization say (partition statuses exist only for partitioned assets).
 */
export const unpartitionedStateQuery = `
query AssetLineageUnpartitionedState($assetKeys: [AssetKeyInput!]!) {
  assetNodes(assetKeys: $assetKeys) {
    assetKey { path }
    staleStatus
    staleCauses { ...AssetLineageStaleCause }
  }
  assetsLatestInfo(assetKeys: $assetKeys) {
    assetKey { path }
    latestMaterialization { runId timestamp }
    inProgressRunIds
    unstartedRunIds
    latestRun { runId status }
  }
}
${staleCauseFields}`;

/** Stale status and root causes of the same partitions of one or more partitioned assets. */
export const partitionStalenessQuery = `
query AssetLineagePartitionStaleness($assetKeys: [AssetKeyInput!]!, $partitions: [String!]!) {
  assetNodes(assetKeys: $assetKeys) {
    assetKey { path }
    staleStatusByPartition(partitions: $partitions)
    staleCausesByPartition(partitions: $partitions) { ...AssetLineageStaleCause }
  }
}
${staleCauseFields}`;

const backfillSummaryFields = `
fragment AssetLineageBackfillSummary on PartitionBackfill {
  id
  status
  isAssetBackfill
  timestamp
  endTimestamp
  numPartitions
  partitionSetName
  assetSelection { path }
  user
  error { message }
}
`;

/** The newest backfills, optionally of one status, paged by the id of the last one seen. */
export const backfillsQuery = `
query AssetLineageBackfills($limit: Int, $cursor: String, $status: BulkActionStatus) {
  partitionBackfillsOrError(limit: $limit, cursor: $cursor, status: $status) {
    __typename
    ... on PartitionBackfills { results { ...AssetLineageBackfillSummary } }
    ... on PythonError { message }
  }
}
${backfillSummaryFields}`;

/** One backfill with per-asset progress and its runs (tracking after a launch). */
export const backfillQuery = `
query AssetLineageBackfill($backfillId: String!, $runLimit: Int) {
  partitionBackfillOrError(backfillId: $backfillId) {
    __typename
    ... on PartitionBackfill {
      ...AssetLineageBackfillSummary
      assetBackfillData {
        assetBackfillStatuses {
          __typename
          ... on AssetPartitionsStatusCounts {
            assetKey { path }
            numPartitionsTargeted
            numPartitionsInProgress
            numPartitionsMaterialized
            numPartitionsFailed
          }
          ... on UnpartitionedAssetStatus {
            assetKey { path }
            inProgress
            materialized
            failed
          }
        }
      }
      runs(limit: $runLimit) { runId status startTime endTime }
    }
    ... on BackfillNotFoundError { message }
    ... on PythonError { message }
  }
}
${backfillSummaryFields}`;

/** Asks the daemon to stop launching runs for a backfill (runs already started go on). */
export const cancelBackfillMutation = `
mutation AssetLineageCancelBackfill($backfillId: String!) {
  cancelPartitionBackfill(backfillId: $backfillId) {
    __typename
    ... on CancelBackfillSuccess { backfillId }
    ... on Error { message }
  }
}
`;

/**
 * Submits an asset backfill (`partitionsByAssets`: each asset with its partition ranges); Dagster's
 * backfill daemon then makes the runs, applying each asset's backfill policy. Every member of the
 * result union is an `Error` with a message except success.
 */
export const launchBackfillMutation = `
mutation AssetLineageLaunchBackfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId launchedRunIds }
    ... on Error { message }
  }
}
`;
