/** The resource attributes people filter and label by, read the same way by every reader. */

/** `service.version` of a record's resource. */
export function serviceVersionOf(resource: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = resource?.['service.version'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The deployment environment of a resource: `deployment.environment.name`, or the older `deployment.environment`. */
export function environmentOf(resource: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = resource?.['deployment.environment.name'] ?? resource?.['deployment.environment'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
