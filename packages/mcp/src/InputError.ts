/** A bad argument (a tool argument, or a CLI option read by a shared parser): answered with a message that names it. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
}
