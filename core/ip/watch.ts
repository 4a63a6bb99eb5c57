// Reload-on-change for the offline layer's files (blocklists, .mmdb): a stat poll per file.
// The baseline is taken synchronously when watching starts, so a change made right after can
// never be missed (fs.watchFile takes its first stat later, asynchronously); a file replaced
// by rename (how list updaters and geoipupdate write) or deleted is seen too. The timer does
// not keep the process alive, and close() stops it.
import fs from 'node:fs';

export interface FileWatcher {
  close(): void;
}

export interface WatchTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const REAL_TIMERS: WatchTimers = {
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    t.unref();
    return t;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

function signature(st: fs.Stats | undefined): string {
  return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : 'missing';
}

/** Calls onChange(path) after a file's mtime, size or inode changed (or it appeared or vanished). */
export function watchFiles(paths: readonly string[], intervalMs: number, onChange: (path: string) => void, timers: WatchTimers = REAL_TIMERS): FileWatcher & { poll(): Promise<void> } {
  const seen = new Map<string, string>();
  for (const p of new Set(paths)) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p);
    } catch {
      st = undefined;
    }
    seen.set(p, signature(st));
  }
  let closed = false;
  let polling: Promise<void> | undefined;
  const poll = (): Promise<void> => {
    polling ??= Promise.all([...seen.keys()].map(async (p) => {
      const st = await fs.promises.stat(p).catch(() => undefined);
      const now = signature(st);
      if (now === seen.get(p) || closed) return;
      seen.set(p, now);
      onChange(p);
    })).then(() => { polling = undefined; });
    return polling;
  };
  const handle = timers.setInterval(() => void poll(), intervalMs);
  return {
    poll,
    close() {
      closed = true;
      timers.clearInterval(handle);
    },
  };
}
