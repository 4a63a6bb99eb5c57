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

const EMPTY: object = {};

/** Whether for...in sees only own keys on plain objects: Object.prototype has no enumerable property. */
function plainObjectsEnumerateOwnKeys(): boolean {
  for (const _k in EMPTY) return false;
  return true;
}

/** With plainObjectsEnumerateOwnKeys(), for...in over o then sees exactly Object.keys(o). */
function hasPlainProto(o: object): boolean {
  const proto: unknown = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

/**
 * A fixed list of paths of one or two segments ("title", "rule.name"), each read from a document
 * as `flattenPaths(root, maxEntries, 2).get(path)` reads it. Callers ask for dozens of known
 * paths of which a document has a few: one walk over its top-level keys (and the members of the
 * objects a path names) files the values by position in the list, so that every read is an array
 * index. The map is still built when its entry cap could drop paths, or when for...in over an
 * object could see inherited keys.
 */
export class ShallowPaths {
  private readonly paths: string[] = [];
  private readonly slotOf = new Map<string, number>();
  // "a.b" filed as a -> b -> position.
  private readonly members = new Map<string, Map<string, number>>();

  constructor(paths: readonly string[]) {
    for (const p of paths) {
      if (this.slotOf.has(p)) continue;
      const slot = this.paths.length;
      this.paths.push(p);
      this.slotOf.set(p, slot);
      const dot = p.indexOf('.');
      if (dot === -1) continue;
      if (p.indexOf('.', dot + 1) !== -1) throw new Error(`ShallowPaths: "${p}" has more than two segments`);
      const head = p.slice(0, dot);
      let sub = this.members.get(head);
      if (sub === undefined) {
        sub = new Map();
        this.members.set(head, sub);
      }
      sub.set(p.slice(dot + 1), slot);
    }
  }

  /** Where each of `paths` (all given to the constructor) sits in what read() returns. */
  slots(paths: readonly string[]): number[] {
    return paths.map((p) => {
      const slot = this.slotOf.get(p);
      if (slot === undefined) throw new Error(`ShallowPaths: "${p}" is not in the list`);
      return slot;
    });
  }

  /** The value of every path, by position (undefined where absent). */
  read(root: Obj, maxEntries: number): unknown[] {
    const values = new Array<unknown>(this.paths.length);
    if (this.walk(root, maxEntries, values)) return values;
    const map = flattenPaths(root, maxEntries, 2);
    for (let i = 0; i < this.paths.length; i++) values[i] = map.get(this.paths[i]);
    return values;
  }

  /** Files the values in one walk; false when the walk cannot stand for flattenPaths. */
  private walk(root: Obj, maxEntries: number, values: unknown[]): boolean {
    if (!hasPlainProto(root) || !plainObjectsEnumerateOwnKeys()) return false;
    // Set where a top-level key is itself a known dotted path ("rule.name"): it wins over the
    // nested one, as flattenPaths files top-level keys first.
    let fromRoot: boolean[] | undefined;
    let entries = 0;
    for (const k in root) {
      entries++;
      const v = root[k];
      const slot = this.slotOf.get(k);
      if (slot !== undefined) {
        values[slot] = v;
        if (k.indexOf('.') !== -1) (fromRoot ??= [])[slot] = true;
      }
      if (!isObj(v)) continue;
      if (!hasPlainProto(v)) return false;
      const sub = this.members.get(k);
      if (sub === undefined) {
        for (const _k in v) entries++;
        continue;
      }
      for (const kk in v) {
        entries++;
        const s = sub.get(kk);
        if (s !== undefined && fromRoot?.[s] !== true) values[s] = v[kk];
      }
    }
    // Past the cap, flattenPaths may drop nested paths: leave it to the map.
    return entries < maxEntries;
  }
}
