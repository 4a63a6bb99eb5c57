// Small accessors for untyped JSON: every format parser reads unknown data through these.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A trimmed non-empty string; numbers are turned into strings; anything else is undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? undefined : t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** The first argument that str() accepts. */
export function firstStr(...vs: unknown[]): string | undefined {
  for (const v of vs) {
    const s = str(v);
    if (s !== undefined) return s;
  }
  return undefined;
}

// Whether an object has flattened "a.b" keys; most documents have none, so misses stay cheap.
const dottedKeys = new WeakMap<object, boolean>();

function hasDottedKeys(o: Obj): boolean {
  let v = dottedKeys.get(o);
  if (v === undefined) {
    v = false;
    for (const k in o) {
      if (k.indexOf('.') !== -1) { v = true; break; }
    }
    dottedKeys.set(o, v);
  }
  return v;
}

/** Property path lookup that also accepts flattened dotted keys ("kibana.alert.rule.name"), as ECS and Zeek write them. */
export function getPath(o: unknown, path: string): unknown {
  if (!isObj(o)) return undefined;
  const direct = o[path];
  if (direct !== undefined) return direct;
  let dot = path.indexOf('.');
  if (dot === -1) return undefined;
  if (!hasDottedKeys(o)) return getPath(o[path.slice(0, dot)], path.slice(dot + 1));
  while (dot !== -1) {
    const child = o[path.slice(0, dot)];
    if (child !== undefined) {
      const found = getPath(child, path.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

/** Title-friendly text: trimmed, inner runs of line breaks kept out, bounded length. */
export function clip(s: string, max = 300): string {
  const t = s.trim();
  return t.length > max ? t.slice(0, max - 1).trimEnd() + '\u2026' : t;
}

/**
 * Every object path of a document ("host.ip", "kibana.alert.rule.name", nested or flattened keys
 * alike) mapped to its value, for formats that read many paths (ECS). Arrays are values, not
 * descended; the walk is iterative and bounded.
 */
export function flattenPaths(root: Obj, maxEntries = 5000, maxSegments = 16): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const stack: Array<[string, Obj, number]> = [['', root, 1]];
  while (stack.length && out.size < maxEntries) {
    const [prefix, o, depth] = stack.pop() as [string, Obj, number];
    for (const k in o) {
      const v = o[k];
      const p = prefix === '' ? k : prefix + '.' + k;
      if (!out.has(p)) out.set(p, v);
      if (depth < maxSegments && isObj(v) && prefix.length < 200) stack.push([p, v, depth + 1]);
    }
  }
  return out;
}
