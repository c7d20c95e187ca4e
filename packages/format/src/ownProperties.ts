/** Reading and copying objects an app handed over, without letting a throwing getter escape. */

/** What `readOwn` returns for a property whose getter throws. */
export const UNREADABLE: unique symbol = Symbol('unreadable');

/** A property's value, or `UNREADABLE` when its getter throws. */
export function readOwn(target: object, key: PropertyKey): unknown {
  try {
    return (target as Record<PropertyKey, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

/** Sets an own, enumerable data property, replacing a getter or a `__proto__` key without invoking anything. */
export function setOwn(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
