import * as api from '@opentelemetry/api';
import { getConfig } from '@aitrace/format/config';
import type { CallSite } from '../callSite.js';

/** Whether the developer API records call sites: the option, else `captureCallSite` of the configuration (default on). */
export function wantsCallSite(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  try {
    return getConfig().captureCallSite;
  } catch (error) {
    api.diag.error('aitrace: configuration', error);
    return false;
  }
}

/** Adds a call site as the `code.*` semantic-convention attributes, unless the caller set them already. */
export function addCallSiteAttributes(site: CallSite, into: Record<string, unknown>): void {
  if (into['code.file.path'] !== undefined || into['code.filepath'] !== undefined) return;
  into['code.file.path'] = site.file;
  into['code.line.number'] = site.line;
  into['code.column.number'] = site.column;
  if (site.function !== undefined) into['code.function.name'] = site.function;
}
