/** A child for `h`: an element, text (always inserted as a text node), or nothing. */
export type Child = Node | string | null | undefined | false;

/** Properties for `h`; `text` is set as textContent and attributes with setAttribute, never parsed as HTML. */
export interface Props {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

/** Creates an element; every piece of data goes in as text, so nothing a trace contains is ever run as markup. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.title !== undefined) element.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  if (props.text !== undefined) element.textContent = props.text;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((child): child is Node | string => child !== null && child !== undefined && child !== false));
}
