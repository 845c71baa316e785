/**
 * The UTF-8 check an index's chunk texts pass (src/text/utf8.ts), against TextDecoder's fatal mode:
 * the same verdict on seeded random bytes and on each kind of malformed sequence, at every alignment
 * of the bytes in their buffer (its ASCII words are read four bytes at a time).
 */
import { expect, test } from 'vitest';
import { beginsCharacter, utf8ProblemAt } from '../src/text/utf8';
import { random } from './helpers/random';

const decoder = new TextDecoder('utf-8', { fatal: true });
const decodes = (bytes: Uint8Array) => {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
};
/** `bytes` copied to `skew` bytes into a fresh buffer, so that its words fall at every alignment. */
const placed = (bytes: ArrayLike<number>, skew: number) => {
  const buffer = new Uint8Array(bytes.length + skew + 3);
  buffer.set(bytes, skew);
  return buffer.subarray(skew, skew + bytes.length);
};

test('well-formed and malformed sequences: the first bad byte is where TextDecoder stops', () => {
  const cases: [number[], number][] = [
    [[...new TextEncoder().encode('plain ASCII, then é € 😀 日本')], -1],
    [[], -1],
    [[0x61, 0x80], 1], // a continuation byte without a lead
    [[0xc0, 0xaf], 0], // an overlong '/'
    [[0xe0, 0x80, 0xaf], 0], // overlong in three bytes
    [[0xed, 0xa0, 0x80], 0], // a surrogate, U+D800
    [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
    [[0xf5, 0x80, 0x80, 0x80], 0],
    [[0x61, 0x62, 0x63, 0x64, 0x65, 0xe2, 0x82], 5], // cut short at the end
    [[0x61, 0x62, 0x63, 0x64, 0xe2, 0x82, 0x61], 4], // cut short by ASCII
    [[0xef, 0xbb, 0xbf, 0x61], -1], // a byte-order mark is a character
  ];
  for (const [bytes, at] of cases) {
    for (let skew = 0; skew < 4; skew++) {
      const view = placed(bytes, skew);
      expect(utf8ProblemAt(view), `${bytes.map((b) => b.toString(16))} at skew ${skew}`).toBe(at);
      expect(utf8ProblemAt(view) === -1).toBe(decodes(view));
    }
  }
});

test('seeded random bytes, mostly ASCII with leads and continuations among them: the same verdict as TextDecoder', () => {
  const rand = random(7);
  let malformed = 0;
  for (let i = 0; i < 20000; i++) {
    const length = Math.floor(rand() * 24);
    const bytes = Array.from({ length }, () => {
      const r = rand();
      return r < 0.6 ? Math.floor(rand() * 0x80) : r < 0.8 ? 0x80 + Math.floor(rand() * 0x40) : 0xc0 + Math.floor(rand() * 0x40);
    });
    const view = placed(bytes, i % 4);
    const ok = decodes(view);
    if (!ok) malformed++;
    expect(utf8ProblemAt(view) === -1, bytes.map((b) => b.toString(16)).join(' ')).toBe(ok);
  }
  expect(malformed).toBeGreaterThan(5000);
  expect(malformed).toBeLessThan(19000);
});

test('a character begins at a lead or an ASCII byte, and at the end; never at a continuation byte', () => {
  const bytes = new TextEncoder().encode('a€');
  expect([0, 1, 2, 3, 4].map((i) => beginsCharacter(bytes, i))).toEqual([true, true, false, false, true]);
});
