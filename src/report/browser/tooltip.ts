/**
 * One tooltip for every token on the page (event delegation: a report shows thousands of
 * tokens, and a listener or a title attribute each would cost more than the text). `describe`
 * says what a hovered `span.t` is, or undefined for none.
 */
export function tokenTooltip(root: HTMLElement, tip: HTMLElement, describe: (token: HTMLElement) => string | undefined): void {
  root.addEventListener("mouseover", (event) => {
    const token = (event.target as Element).closest?.(".t");
    const text = token instanceof HTMLElement ? describe(token) : undefined;
    if (!token || text === undefined) return;
    tip.textContent = text;
    tip.hidden = false;
    const box = token.getBoundingClientRect();
    const width = tip.offsetWidth;
    tip.style.left = `${Math.max(4, Math.min(window.innerWidth - width - 4, box.left))}px`;
    tip.style.top = `${box.bottom + 6}px`;
  });
  root.addEventListener("mouseout", (event) => {
    if ((event.target as Element).closest?.(".t")) tip.hidden = true;
  });
}
