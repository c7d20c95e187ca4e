// The helpers live in @aitrace/format, where the scrubbing rules use them too.
export { copyOwn, readOwn, setOwn, shallowCopy, UNREADABLE } from '@aitrace/format';
