/** ANSI styling that turns itself off when output is not a terminal (or NO_COLOR is set). */
export interface Style {
  enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Colours on a TTY; plain when piped. NO_COLOR disables and FORCE_COLOR enables, as usual. */
export function createStyle(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const enabled = forced || (env.NO_COLOR === undefined && stream.isTTY === true && env.TERM !== 'dumb');
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return {
    enabled,
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** No colours: for text that is not shown on a terminal (MCP answers, files). */
export const PLAIN_STYLE: Style = { enabled: false, red: String, green: String, yellow: String, cyan: String, dim: String, bold: String };
