import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { definitions } from '../helpers/editor-definitions';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface PackFile { path: string }
type FlowNode = { id: string; type: string; [key: string]: unknown };

describe('the npm package', () => {
  // --ignore-scripts: the test run has just built; prepack would build again.
  const files = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: PackFile[] }>)[0].files.map((f) => f.path);
  const pkg = require(path.join(ROOT, 'package.json')) as { main: string; 'node-red': { version: string; nodes: Record<string, string> }; keywords: string[] };

  it('is a Node-RED module for 4.1 and later', () => {
    assert.equal(pkg['node-red'].version, '>=4.1.0');
    assert.ok(pkg.keywords.includes('node-red'));
  });

  it('ships every node with its editor file and icons beside the .js', () => {
    for (const [type, file] of Object.entries(pkg['node-red'].nodes)) {
      assert.match(type, /^ir-/);
      assert.ok(files.includes(file), `${file} not packed`);
      assert.ok(files.includes(file.replace(/\.js$/, '.html')), `${type}: .html not packed`);
      const dir = path.dirname(file);
      if (type !== 'ir-incident-store') assert.ok(files.includes(`${dir}/icons/${type.slice(3)}.svg`), `${type}: icon not packed`);
    }
  });

  it('ships the example flows in examples/ and the schema, not the tests', () => {
    assert.ok(files.includes('examples/NIST SP 800-61 playbook.json'));
    assert.ok(files.includes('sample-logs/auth.log') && files.includes('sample-logs/app.jsonl.2.gz'), 'sample logs not packed');
    // Node-RED lists every folder under examples/ in Import > Examples, an empty one too.
    assert.deepEqual(files.filter((f) => f.startsWith('examples/') && !f.endsWith('.json')), []);
    assert.ok(files.includes('dist/schema/incident.schema.json'));
    assert.ok(files.includes('LICENSE'));
    assert.ok(files.includes(pkg.main));
    assert.ok(!files.some((f) => f.startsWith('dist/test/')), 'tests are packed');
  });

  describe('the example flows', () => {
    const dir = path.join(ROOT, 'examples');
    const examples = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    const flows = examples.map((file) => ({ file, nodes: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as FlowNode[] }));
    const all = flows.flatMap((f) => f.nodes);

    it('are one per framework, each packed, each a JSON array of nodes', () => {
      assert.deepEqual(examples, ['CERT playbook.json', 'ISACA playbook.json', 'ISO-IEC 27035 playbook.json', 'NIST SP 800-61 playbook.json']);
      for (const { file, nodes } of flows) {
        assert.ok(files.includes(`examples/${file}`), `${file} not packed`);
        assert.ok(Array.isArray(nodes) && nodes.every((n) => typeof n.id === 'string' && typeof n.type === 'string'), file);
        assert.equal(nodes.filter((n) => n.type === 'tab').length, 1, `${file}: one tab`);
      }
    });

    it('give every node of ours each property its dialog has, so opening and closing a dialog changes nothing', () => {
      const defaults = new Map<string, string[]>();
      for (const file of Object.values(pkg['node-red'].nodes)) {
        for (const [type, def] of definitions(path.basename(path.dirname(file)))) {
          defaults.set(type, Object.entries(def.defaults ?? {}).filter(([, d]) => d.value !== undefined).map(([key]) => key));
        }
      }
      for (const { file, nodes } of flows) {
        for (const node of nodes) {
          const missing = (defaults.get(node.type) ?? []).filter((key) => !(key in node));
          assert.deepEqual(missing, [], `${file}: ${node.type} ${node.id} lacks ${missing.join(', ')}`);
        }
      }
    });

    it('have ids unique across all examples, so all can be imported into one Node-RED', () => {
      const seen = new Map<string, string>();
      for (const { file, nodes } of flows) {
        for (const node of nodes) {
          assert.ok(!seen.has(node.id), `${node.id} is in ${file} and ${seen.get(node.id)}`);
          seen.set(node.id, file);
        }
      }
    });

    it('refer only to nodes of their own file (wires, links, groups, config nodes, catch scopes)', () => {
      for (const { file, nodes } of flows) {
        const ids = new Set(nodes.map((n) => n.id));
        const refs = (n: FlowNode): string[] => [
          ...((n.wires as string[][] | undefined) ?? []).flat(), ...((n.links as string[] | undefined) ?? []),
          ...((n.nodes as string[] | undefined) ?? []), ...(Array.isArray(n.scope) ? n.scope as string[] : []),
          ...(['z', 'g', 'slack', 'pagerduty', 'store'] as const).map((k) => n[k]).filter((v): v is string => typeof v === 'string' && v !== ''),
        ];
        for (const node of nodes) for (const ref of refs(node)) assert.ok(ids.has(ref), `${file}: ${node.id} refers to missing ${ref}`);
      }
    });

    it('let a Catch see every node of the package in the flow (a failing step is recorded, not only logged)', () => {
      for (const { file, nodes } of flows) {
        const scoped = new Set(nodes.filter((n) => n.type === 'catch').flatMap((n) => Array.isArray(n.scope) ? n.scope as string[] : []));
        const unscoped = nodes.filter((n) => n.type.startsWith('ir-') && typeof n.z === 'string' && !scoped.has(n.id)).map((n) => n.id);
        assert.deepEqual(unscoped, [], `${file}: no Catch covers ${unscoped.join(', ')}`);
      }
    });

    it('use every node of the package at least once', () => {
      const used = new Set(all.map((n) => n.type));
      for (const type of Object.keys(pkg['node-red'].nodes)) assert.ok(used.has(type), `no example uses ${type}`);
    });

    it('listen on distinct http-in paths, with the raw body alert-in verifies signatures on', () => {
      const allInputs = all.filter((n) => n.type === 'http in');
      assert.equal(new Set(allInputs.map((n) => `${String(n.method)} ${String(n.url)}`)).size, allInputs.length);
      // Each flow: its alert endpoint (raw body) and nothing else: restore is asked for from the
      // editor's incident sidebar, never over an http-in route anyone who knows an id could call.
      const inputs = allInputs;
      assert.equal(inputs.length, flows.length);
      for (const input of inputs) {
        assert.equal(input.method, 'post');
        assert.equal(input.skipBodyParsing, true, `${String(input.url)}: raw body`);
      }
      assert.deepEqual(inputs.map((n) => n.url).sort(), ['/ir/cert', '/ir/isaca', '/ir/iso27035', '/ir/nist']);
    });

    it('ship every config node with a mode in dry-run, and no credentials', () => {
      const configTypes = new Set(Object.keys(pkg['node-red'].nodes));
      const configs = all.filter((n) => configTypes.has(n.type) && !('wires' in n));
      assert.ok(configs.length > 0);
      for (const config of configs) if ('mode' in config) assert.equal(config.mode, 'dry-run', config.id);
      for (const { file, nodes } of flows) {
        for (const node of nodes) {
          assert.ok(!('credentials' in node), `${file}: ${node.id} carries credentials`);
          for (const [key, value] of Object.entries(node)) {
            if (/token|secret|password|routingkey|apikey/i.test(key)) assert.ok(value === '' || value === undefined, `${file}: ${node.id}.${key} is set`);
          }
        }
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        assert.doesNotMatch(text, /xox[abpr]-|-----BEGIN|Bearer [A-Za-z0-9]|[A-Za-z0-9+/]{40,}/, `${file} holds something that looks like a secret`);
      }
    });
  });

  it('exports the core API from its main entry', () => {
    const core = require(path.join(ROOT, pkg.main)) as Record<string, unknown>;
    for (const name of ['normalizeAlerts', 'normalizeAlert', 'AlertFormatError', 'validateIncident', 'FRAMEWORKS', 'incidentSchema']) {
      assert.ok(core[name], `${name} is not exported`);
    }
  });
});
