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

/**
 * A shallow, writable copy of an app's object: a plain spread (fast) unless a getter throws, then `copyOwn`, so
 * getters stay getters and the encoder marks the throwing one unreadable.
 */
export function copyData(source: object): Record<string, unknown> {
  try {
    return { ...source };
  } catch {
    return copyOwn(source, {});
  }
}
