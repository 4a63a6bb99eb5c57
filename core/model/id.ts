import { randomBytes } from 'node:crypto';

// ULID (https://github.com/ulid/spec): 48-bit time + 80 random bits in Crockford base32, so
// ids sort by creation time as plain strings. Monotonic within one millisecond.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(time: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

function freshRandom(): number[] {
  const bytes = randomBytes(16);
  return Array.from({ length: 16 }, (_, i) => bytes[i] % 32);
}

function increment(digits: number[]): number[] {
  const next = digits.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 31) {
      next[i]++;
      return next;
    }
    next[i] = 0;
  }
  return freshRandom(); // 80 bits exhausted within one millisecond: cannot happen in practice
}

export function newId(now: number = Date.now()): string {
  lastRandom = now <= lastTime ? increment(lastRandom) : freshRandom();
  lastTime = Math.max(now, lastTime);
  return encodeTime(lastTime) + lastRandom.map((d) => ALPHABET[d]).join('');
}

export const ID_PATTERN = '^[0-9A-HJKMNP-TV-Z]{26}$';
