// Reload-on-change for the offline layer's files (blocklists, .mmdb). fs.watchFile polls the
// file's stat, so a file replaced by rename (how list updaters and geoipupdate write) is seen
// too; the watcher does not keep the process alive, and close() stops it.
import fs from 'node:fs';

export interface FileWatcher {
  close(): void;
}

export function watchFiles(paths: readonly string[], intervalMs: number, onChange: (path: string) => void): FileWatcher {
  const listeners = new Map<string, (cur: fs.Stats, prev: fs.Stats) => void>();
  for (const p of new Set(paths)) {
    const listener = (cur: fs.Stats, prev: fs.Stats): void => {
      if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) onChange(p);
    };
    fs.watchFile(p, { interval: intervalMs, persistent: false }, listener);
    listeners.set(p, listener);
  }
  return {
    close() {
      for (const [p, l] of listeners) fs.unwatchFile(p, l);
      listeners.clear();
    },
  };
}
