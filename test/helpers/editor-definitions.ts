import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

export interface NodeDefinition {
  defaults?: Record<string, { value?: unknown }>;
  paletteLabel?: string;
  label?: (this: Record<string, unknown>) => string;
}

/** The definitions a node's editor .html registers, run against a stub RED (no browser). */
export function definitions(node: string): Map<string, NodeDefinition> {
  const html = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'nodes', node, `${node}.html`), 'utf8');
  const registered = new Map<string, NodeDefinition>();
  const RED = {
    nodes: { registerType: (type: string, def: NodeDefinition) => { registered.set(type, def); } },
    validators: { number: () => () => true, regex: () => () => true },
  };
  // The page's global object: resources/editor.js (loaded first by each .html) sets window.IncidentResponseEditor.
  const page: Record<string, unknown> = { RED };
  page.window = page;
  const context = vm.createContext(page);
  vm.runInContext(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'resources', 'editor.js'), 'utf8'), context);
  for (const [, code] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInContext(code!, context);
  return registered;
}

