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

/** A shallow, writable copy that keeps getters as getters, so a throwing one is not called here. */
export function copyOwn<T extends object>(source: object, into: T): T {
  const descriptors = Object.getOwnPropertyDescriptors(source) as Record<PropertyKey, PropertyDescriptor>;
  if (Array.isArray(into) && Array.isArray(source)) {
    into.length = source.length;
    delete descriptors.length;
  }
  for (const key of Reflect.ownKeys(descriptors)) {
    const descriptor = descriptors[key]!;
    descriptor.configurable = true;
    if ('value' in descriptor) descriptor.writable = true;
  }
  return Object.defineProperties(into, descriptors);
}

/** Sets an own, enumerable data property, replacing a getter or a `__proto__` key without invoking anything. */
export function setOwn(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A shallow, writable copy: a plain spread, or property by property when a getter throws during it. */
export function shallowCopy(source: object): Record<string, unknown> {
  try {
    return { ...source };
  } catch {
    return copyOwn(source, {});
  }
}
