/** A bad argument or an unknown id: answered as a tool error that names it; the server goes on. */
export class ToolInputError extends Error {}
