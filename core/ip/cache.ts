// A size-bounded TTL cache (least recently used goes first): one per provider, so a storm of
// alerts about the same scanner costs one paid lookup, and memory stays bounded.

export interface CacheStats {
  size: number;
  hits: number;
  misses: number;
  evictions: number;
}

export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maxEntries >= 0) || !(ttlMs >= 0)) throw new RangeError('cache size and TTL must be 0 or more');
  }

  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit || hit.expiresAt <= this.now()) {
      if (hit) this.map.delete(key);
      this.misses++;
      return undefined;
    }
    // Re-insert: Map order is the recency order.
    this.map.delete(key);
    this.map.set(key, hit);
    this.hits++;
    return hit.value;
  }

  set(key: string, value: V, ttlMs: number = this.ttlMs): void {
    if (this.maxEntries === 0 || ttlMs <= 0) return;
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: this.now() + ttlMs });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.evictions++;
    }
  }

  clear(): void {
    this.map.clear();
  }

  get stats(): CacheStats {
    return { size: this.map.size, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }
}
