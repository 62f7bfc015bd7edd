import type {TokenRecord} from "./types.ts";

/** Where a marked text goes: a mark opens, a token's piece is written, the mark closes. */
export interface MarkSink<R> {
  open(): void;
  piece(record: R): void;
  close(): void;
}

/**
 * Decides which tokens a reader sees marked as the large model's, one token at a time: a run of
 * consecutive large-model tokens shares one mark, and tokens with no text (EOS, control tokens)
 * are skipped, so they neither open nor close a mark. `tlr generate`'s terminal and piped
 * output, the report's question browser and the demo page all mark through this one class, so
 * they mark the same tokens the same way.
 */
export class TokenMarker<R extends Pick<TokenRecord, "piece" | "source">> {
  private inLarge = false;
  constructor(private readonly sink: MarkSink<R>) {}

  push(record: R): void {
    if (record.piece === "") return;
    const large = record.source === "large";
    if (large !== this.inLarge) {
      if (large) this.sink.open();
      else this.sink.close();
      this.inLarge = large;
    }
    this.sink.piece(record);
  }

  end(): void {
    if (this.inLarge) this.sink.close();
    this.inLarge = false;
  }
}
