/**
 * Just enough DOM for the `adaptivecards` library to render a card in Node: there is no jsdom or
 * browser here, and AdaptiveCard.render() needs document.createElement and element basics. No
 * layout: sizes are 0, which the library treats as "no overflow". The rendered tree can then be
 * walked (texts, buttons) and its buttons clicked.
 */
class FakeClassList {
  private readonly names = new Set<string>();
  add(...names: string[]): void {
    for (const n of names) this.names.add(n);
  }
  remove(...names: string[]): void {
    for (const n of names) this.names.delete(n);
  }
  contains(name: string): boolean {
    return this.names.has(name);
  }
  toggle(name: string): void {
    if (this.names.has(name)) this.names.delete(name);
    else this.names.add(name);
  }
  toString(): string {
    return [...this.names].join(' ');
  }
}

class FakeStyle {
  [property: string]: unknown;
  removeProperty(name: string): void {
    delete this[name];
  }
  setProperty(name: string, value: string): void {
    this[name] = value;
  }
  getPropertyValue(name: string): string {
    const v = this[name];
    return typeof v === 'string' ? v : '';
  }
}

type Listener = (event: { preventDefault(): void; stopPropagation(): void }) => void;

export class FakeElement {
  readonly tagName: string;
  readonly nodeType: number = 1;
  readonly childNodes: FakeElement[] = [];
  readonly style = new FakeStyle();
  classList = new FakeClassList();
  readonly attributes: Record<string, string> = {};
  parentNode: FakeElement | null = null;
  tabIndex = -1;
  onclick: Listener | null = null;
  protected ownText = '';
  private readonly listeners = new Map<string, Listener[]>();

  constructor(tag: string) {
    this.tagName = tag.toUpperCase();
  }

  get nodeName(): string {
    return this.tagName;
  }
  get children(): FakeElement[] {
    return this.childNodes;
  }
  get firstChild(): FakeElement | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): FakeElement | null {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get firstElementChild(): FakeElement | null {
    return this.firstChild;
  }
  get lastElementChild(): FakeElement | null {
    return this.lastChild;
  }
  get parentElement(): FakeElement | null {
    return this.parentNode;
  }
  get childElementCount(): number {
    return this.childNodes.length;
  }
  get className(): string {
    return this.classList.toString();
  }
  set className(value: string) {
    this.classList = new FakeClassList();
    this.classList.add(...value.split(/\s+/).filter(Boolean));
  }
  appendChild(child: FakeElement): FakeElement {
    child.parentNode?.removeChild(child);
    child.parentNode = this;
    this.childNodes.push(child);
    return child;
  }
  append(...children: Array<FakeElement | string>): void {
    for (const c of children) this.appendChild(typeof c === 'string' ? new FakeText(c) : c);
  }
  insertBefore(child: FakeElement, reference: FakeElement | null): FakeElement {
    child.parentNode?.removeChild(child);
    child.parentNode = this;
    const i = reference ? this.childNodes.indexOf(reference) : -1;
    if (i < 0) this.childNodes.push(child);
    else this.childNodes.splice(i, 0, child);
    return child;
  }
  removeChild(child: FakeElement): FakeElement {
    const i = this.childNodes.indexOf(child);
    if (i >= 0) this.childNodes.splice(i, 1);
    child.parentNode = null;
    return child;
  }
  remove(): void {
    this.parentNode?.removeChild(this);
  }
  setAttribute(name: string, value: unknown): void {
    this.attributes[name] = String(value);
  }
  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }
  removeAttribute(name: string): void {
    delete this.attributes[name];
  }
  hasAttribute(name: string): boolean {
    return name in this.attributes;
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener(): void {}
  get textContent(): string {
    return this.ownText + this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.childNodes.length = 0;
    this.ownText = String(value);
  }
  get innerText(): string {
    return this.textContent;
  }
  set innerText(value: string) {
    this.textContent = value;
  }
  get innerHTML(): string {
    return this.textContent;
  }
  set innerHTML(value: string) {
    this.childNodes.length = 0;
    this.ownText = decodeEntities(String(value).replace(/<[^>]*>/g, ''));
  }
  get offsetHeight(): number {
    return 0;
  }
  get offsetWidth(): number {
    return 0;
  }
  get scrollHeight(): number {
    return 0;
  }
  get clientHeight(): number {
    return 0;
  }
  get scrollWidth(): number {
    return 0;
  }
  get clientWidth(): number {
    return 0;
  }
  getBoundingClientRect(): { top: number; left: number; right: number; bottom: number; width: number; height: number } {
    return { top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0 };
  }
  getElementsByTagName(tag: string): FakeElement[] {
    const wanted = tag.toUpperCase();
    const out: FakeElement[] = [];
    const visit = (n: FakeElement): void => {
      for (const c of n.childNodes) {
        if (c.tagName === wanted) out.push(c);
        visit(c);
      }
    };
    visit(this);
    return out;
  }
  querySelectorAll(): FakeElement[] {
    return [];
  }
  querySelector(): FakeElement | null {
    return null;
  }
  contains(node: FakeElement | null): boolean {
    for (let n = node; n; n = n.parentNode) if (n === this) return true;
    return false;
  }
  focus(): void {}
  blur(): void {}
  click(): void {
    const event = { preventDefault: () => undefined, stopPropagation: () => undefined };
    this.onclick?.(event);
    for (const l of this.listeners.get('click') ?? []) l(event);
  }
  /** Every element below this one, depth first. */
  descendants(): FakeElement[] {
    return this.childNodes.flatMap((c) => [c, ...c.descendants()]);
  }
}

class FakeText extends FakeElement {
  override readonly nodeType: number = 3;
  constructor(text: string) {
    super('#text');
    this.ownText = text;
  }
}

function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Installs the fake document and window on globalThis (once per test file: each runs in its own process). */
export function installMinimalDom(): void {
  const document = {
    createElement: (tag: string) => new FakeElement(tag),
    createTextNode: (text: string) => new FakeText(text),
    createDocumentFragment: () => new FakeElement('#fragment'),
    getElementById: () => null,
    activeElement: null,
    body: new FakeElement('body'),
    documentElement: new FakeElement('html'),
  };
  const navigator = { userAgent: 'node' };
  const window = { document, navigator, pageXOffset: 0, pageYOffset: 0, setTimeout, getComputedStyle: () => ({}) };
  const g = globalThis as unknown as Record<string, unknown>;
  g['document'] = document;
  g['window'] = window;
  g['getComputedStyle'] = window.getComputedStyle;
  for (const name of ['HTMLElement', 'HTMLButtonElement', 'HTMLDivElement', 'HTMLInputElement', 'HTMLSelectElement', 'Node']) {
    g[name] = FakeElement;
  }
  if (g['navigator'] === undefined) g['navigator'] = navigator;
}
