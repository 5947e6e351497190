import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse, type OperationDefinitionNode } from 'graphql';
import * as queries from '../../../src/core/state/graphql/queries';
import { dagsterSchema, dagsterSchemaPath, validateDocument } from '../../support/graphqlServer';

/** Every document the client sends fits Dagster's published GraphQL schema. */
describe('GraphQL documents against Dagster\'s schema', () => {
  const documents = Object.entries(queries);

  test('the schema fixture is the copy its README names', () => {
    const sha = createHash('sha256').update(readFileSync(dagsterSchemaPath)).digest('hex');
    assert.equal(sha, '8db53da1842c8c193254d5fd8abce6817685e1feab58305caca97a3f402281d4');
    assert.ok(dagsterSchema().getQueryType()?.getFields().assetNodes);
  });

  test('queries.ts exports only documents, and all of them are here', () => {
    assert.deepEqual(documents.map(([name]) => name).sort(), [
      'allAssetNodesQuery',
      'assetNodesQuery',
      'backfillQuery',
      'backfillsQuery',
      'cancelBackfillMutation',
      'launchBackfillMutation',
      'partitionStalenessQuery',
      'unpartitionedStateQuery',
    ]);
    for (const [name, document] of documents) assert.equal(typeof document, 'string', name);
  });

  for (const [name, document] of documents) {
    test(`${name} validates with no errors`, () => {
      assert.deepEqual(validateDocument(document as string), []);
    });
  }

  test('each document is one named operation, and the names are distinct', () => {
    const names = documents.map(([name, document]) => {
      const operations = parse(document as string).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
      assert.equal(operations.length, 1, name);
      assert.ok(operations[0]?.name?.value.startsWith('AssetLineage'), name);
      return operations[0]?.name?.value;
    });
    assert.equal(new Set(names).size, names.length);
  });

  test('a field the schema lacks is caught (the check is not vacuous)', () => {
    const messages = validateDocument('query { assetNodes { assetKey { path } isMaterializable } }');
    assert.equal(messages.length, 1);
    assert.match(messages[0] ?? '', /Cannot query field "isMaterializable" on type "AssetNode"/);
  });
});
