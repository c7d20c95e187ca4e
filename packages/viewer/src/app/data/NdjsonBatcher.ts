/**
 * Turns NDJSON text that arrives in chunks (a streamed response) into parsed values, handed on in batches: a first
 * batch once `first` values are in, then batches of `later`, and what is left at the end (an empty batch when the
 * text held none), marked as the last, so the receiver learns the text is complete. Only each new chunk is searched
 * for line ends, so a long line that arrives in many chunks is not rescanned.
 */
export class NdjsonBatcher<T> {
  private rest = '';
  private batch: T[] = [];
  private delivered = 0;
  private line = 0;

  constructor(
    private readonly onBatch: (values: T[], last: boolean) => void,
    private readonly first: number,
    private readonly later: number,
  ) {}

  /** Takes the next chunk of text. Throws SyntaxError naming the line when a line is not JSON. */
  push(chunk: string): void {
    const end = chunk.lastIndexOf('\n');
    if (end < 0) {
      this.rest += chunk;
      return;
    }
    const lines = (this.rest + chunk.slice(0, end)).split('\n');
    this.rest = chunk.slice(end + 1);
    for (const line of lines) this.take(line);
    if (this.batch.length >= (this.delivered === 0 ? this.first : this.later)) this.flush(false);
  }

  /** The text is complete: hands on what is left. */
  end(): void {
    this.take(this.rest);
    this.rest = '';
    this.flush(true);
  }

  private take(line: string): void {
    this.line++;
    if (line.trim() === '') return;
    try {
      this.batch.push(JSON.parse(line) as T);
    } catch (error) {
      throw new SyntaxError(`line ${this.line} is not JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  private flush(last: boolean): void {
    this.delivered += this.batch.length;
    const batch = this.batch;
    this.batch = [];
    this.onBatch(batch, last);
  }
}
