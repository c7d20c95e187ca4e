/**
 * The name of the n-th rotated file of a trace file, newest first: `trace.jsonl` -> `trace.1.jsonl`, `trace.2.jsonl`
 * ... The writer's rotation and the readers that follow it across rotations both use this rule. Plain string work
 * (no `node:path`), so it runs wherever the format does; `/` and `\` both separate directories.
 */
export function rotatedPath(path: string, n: number): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const name = path.slice(slash + 1);
  // As node's extname: from the last dot, unless that dot starts the name (`.hidden`) or the name is `..`.
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name !== '..' ? name.slice(dot) : '';
  return `${path.slice(0, slash + 1)}${name.slice(0, name.length - ext.length)}.${n}${ext}`;
}
