import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

interface NodeDefinition {
  paletteLabel?: string;
  label?: (this: Record<string, unknown>) => string;
}

/** The definitions a node's editor .html registers, run against a stub RED (no browser). */
function definitions(node: string): Map<string, NodeDefinition> {
  const html = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'nodes', node, `${node}.html`), 'utf8');
  const registered = new Map<string, NodeDefinition>();
  const RED = {
    nodes: { registerType: (type: string, def: NodeDefinition) => { registered.set(type, def); } },
    validators: { number: () => () => true, regex: () => () => true },
  };
  for (const [, code] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInNewContext(code!, { RED });
  return registered;
}

describe('editor labels', () => {
  it('short palette labels use a non-breaking hyphen, so the palette never wraps them at the hyphen', () => {
    for (const [node, type, label] of [['domain-lookup', 'ir-domain-lookup', 'domain\u2011lookup'], ['pagerduty-page', 'ir-pagerduty-page', 'pagerduty\u2011page'], ['disable-account', 'ir-disable-account', 'disable\u2011account']] as const) {
      assert.equal(definitions(node).get(type)?.paletteLabel, label, node);
    }
  });

  it('the directory config label names the mode once, even when the name carries one', () => {
    const label = definitions('directory').get('ir-directory')!.label!;
    assert.equal(label.call({ name: 'Directory (dry-run)', mode: 'dry-run', kind: 'okta' }), 'Directory (dry-run)');
    assert.equal(label.call({ name: 'Directory (dry-run)', mode: 'live', kind: 'okta' }), 'Directory (live)', 'a stale mode in the name is not shown');
    assert.equal(label.call({ name: 'Corp IdP', mode: 'live', kind: 'okta' }), 'Corp IdP (live)');
    assert.equal(label.call({ name: '', kind: 'entra' }), 'Entra ID (dry-run)');
  });
});
