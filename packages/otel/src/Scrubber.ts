// The scrubbing rules are part of the format, so writers and readers share them; the span path uses them as they are.
export { DEFAULT_SAFE_KEYS, Scrubber, SECRET_SHAPES, type ScrubbedPaths, type ScrubOptions } from '@aitrace/format';
