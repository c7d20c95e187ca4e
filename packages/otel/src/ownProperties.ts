// The helpers live in @aitrace/format, where the scrubbing rules use them too.
export { readOwn, setOwn, UNREADABLE } from '@aitrace/format';
