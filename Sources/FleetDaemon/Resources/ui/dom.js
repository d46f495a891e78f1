// Building the page's elements. Every text goes in through textContent, never innerHTML: what a bot or the
// daemon sends (names, heartbeat stats, reasons, log lines) is shown as text and never parsed as markup.

// C0 control characters (but tab and line feed) and DEL, shown as their visible Unicode pictures (U+2400...):
// a bot's ESC or BEL must not vanish silently or garble the layout.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export function visible(text) {
  return String(text).replace(CONTROL, (c) => String.fromCharCode(c === "\u007f" ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}

// An element with an optional class name and text; children may follow.
export function el(tag, className, text, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = visible(text);
  for (const child of children) if (child) node.append(child);
  return node;
}

// An SVG element with the given attributes (numbers and fixed words of ours only).
export function svg(tag, attributes = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}
