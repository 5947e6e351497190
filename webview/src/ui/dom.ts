/**
 * Tiny DOM builders. Everything the workspace supplies (keys, groups, descriptions) reaches the page
 * only through `textContent` or attribute values, never through markup parsing, so a key such as
 * `<img src=x onerror=…>` stays text. Styles come from classes in media/graph.css: the webview's
 * CSP has no 'unsafe-inline' for styles, so no `style` attribute is ever written.
 */

export const svgNs = 'http://www.w3.org/2000/svg';

export interface ElementProps {
  id?: string;
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

function apply(element: Element, props: ElementProps): void {
  if (props.id !== undefined) element.id = props.id;
  if (props.className !== undefined) element.setAttribute('class', props.className);
  if (props.text !== undefined) element.textContent = props.text;
  if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) element.setAttribute(name, value);
}

export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, props);
  for (const child of children) element.appendChild(child);
  return element;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: Node[] = [],
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag) as SVGElementTagNameMap[K];
  apply(element, props);
  for (const child of children) element.appendChild(child);
  return element;
}
