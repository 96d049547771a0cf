/**
 * Elements built with DOM nodes and textContent only (never innerHTML with content), so nothing the
 * content or a user wrote can become markup.
 */

/** `text` sets textContent, `className` the class, `on<event>` a listener; anything else is an attribute. */
export type Attributes = Record<string, string | ((event: Event) => void) | undefined>;

export function el(tag: string, attrs?: Attributes | null, children?: ReadonlyArray<Node | null | undefined>): HTMLElement {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined) continue;
      if (typeof v === 'function') {
        if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
      } else if (k === 'text') node.textContent = v;
      else if (k === 'className') node.className = v;
      else node.setAttribute(k, v);
    }
  }
  for (const c of children ?? []) if (c) node.appendChild(c);
  return node;
}

/** An element the page is known to hold (src/channels/web/page.ts writes them all). */
export function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as E;
}
