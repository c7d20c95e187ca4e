/** The top-level key that holds all tracer metadata in a record. */
export const META_KEY = '__tracer_meta__';

/** The record format version written by this package (`__tracer_meta__.format_version`). */
export const FORMAT_VERSION = 2;
