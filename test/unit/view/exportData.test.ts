import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeExport, exportFileName } from '../../../src/core/view/exportData';

describe('export files', () => {
  test('SVG text and PNG data URLs become bytes; anything else is refused', () => {
    const svg = decodeExport('svg', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    assert.ok(svg.ok);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]).toString('base64');
    const decoded = decodeExport('png', `data:image/png;base64,${png}`);
    assert.ok(decoded.ok && decoded.bytes.length === 11);
    assert.equal(decodeExport('svg', '<html></html>').ok, false);
    assert.equal(decodeExport('png', 'data:image/jpeg;base64,AAAA').ok, false);
    assert.equal(decodeExport('png', 'data:image/png;base64,@@@').ok, false);
    assert.equal(decodeExport('png', `data:image/png;base64,${Buffer.from('GIF89a').toString('base64')}`).ok, false);
  });

  test('file names from the workspace name', () => {
    assert.equal(exportFileName('harbor', 'svg'), 'harbor-lineage.svg');
    assert.equal(exportFileName('My Project (Workspace)', 'png'), 'My-Project-Workspace-lineage.png');
    assert.equal(exportFileName('../..', 'png'), 'asset-lineage.png');
  });
});
