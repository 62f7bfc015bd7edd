import {TokenMarker} from "../../decoding/markTokens.ts";

/** A token as a page shows it. */
export interface TokenView {
  step: number;
  piece: string;
  source: "small" | "large";
}

/**
 * Appends tokens to an element, marked as `tlr generate` marks them (`TokenMarker`): each run of
 * large-model tokens in one `span.lg` (background and underline) holding `[` and `]` in
 * `span.br`, shown when the page's bracket option is on. Each token is a `span.t` with its step,
 * for hover and for tests. Streams: the demo page pushes tokens as they arrive.
 */
export class MarkedTokens {
  private parent: HTMLElement;
  private readonly marker: TokenMarker<TokenView>;

  constructor(private readonly container: HTMLElement, private readonly decorate?: (span: HTMLElement, token: TokenView) => void) {
    this.parent = container;
    this.marker = new TokenMarker<TokenView>({
      open: () => {
        const group = document.createElement("span");
        group.className = "lg";
        group.append(bracket("["));
        this.container.append(group);
        this.parent = group;
      },
      piece: (token) => this.parent.append(this.span(token)),
      close: () => {
        this.parent.append(bracket("]"));
        this.parent = this.container;
      },
    });
  }

  push(token: TokenView): void {
    this.marker.push(token);
  }

  /** A token the marker does not write (no text, e.g. EOS) that must still be seen: shown by CSS only, so the text stays the generated text. */
  pushEmpty(token: TokenView): void {
    const span = this.span(token);
    span.classList.add("empty");
    this.parent.append(span);
  }

  end(): void {
    this.marker.end();
  }

  private span(token: TokenView): HTMLElement {
    const span = document.createElement("span");
    span.className = "t";
    span.dataset.step = String(token.step);
    span.textContent = token.piece;
    this.decorate?.(span, token);
    return span;
  }
}

function bracket(text: string): HTMLElement {
  const span = document.createElement("span");
  span.className = "br";
  span.textContent = text;
  return span;
}
