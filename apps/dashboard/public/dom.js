// @ts-check
// DOM helpers shared by the page's views.

/**
 * The element with this id, checked to be a `kind` (index.html holds every id the page uses).
 * @template {HTMLElement} E
 * @param {string} id
 * @param {new (...args: never[]) => E} kind
 * @returns {E}
 */
export function elementById(id, kind) {
  const el = document.getElementById(id);
  if (el instanceof kind) return el;
  throw new Error(`#${id}: missing, or not a ${kind.name}`);
}

/** @param {string} id */
export const byId = (id) => elementById(id, HTMLElement);

/** @param {unknown} v */
export function escapeHtml(v) {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
