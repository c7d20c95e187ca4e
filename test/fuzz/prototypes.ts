import { expect } from 'vitest';

const OBJECT_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_KEYS = Object.getOwnPropertyNames(Array.prototype).sort();

/** Fails if anything added a property to Object.prototype or Array.prototype (prototype pollution). */
export function expectCleanPrototypes(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_KEYS);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(ARRAY_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}
