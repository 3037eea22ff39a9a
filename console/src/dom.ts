/**
 * The few browser APIs the console uses, typed here so the project's Node-only type check (no DOM
 * lib) covers the page too. `console/tsconfig.json` checks the same code against the real DOM lib,
 * which proves these declarations are a faithful subset.
 */

export interface UiEvent {
  readonly target: unknown;
  preventDefault(): void;
}

export interface UiKeyboardEvent extends UiEvent {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}

export interface UiElement {
  textContent: string | null;
  hidden: boolean;
  readonly style: { setProperty(name: string, value: string): void };
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  append(...children: (UiElement | string)[]): void;
  replaceChildren(...children: (UiElement | string)[]): void;
  addEventListener(type: string, listener: (event: UiEvent) => void): void;
  focus(): void;
}

/** Inputs, text areas and buttons. */
export interface UiControl extends UiElement {
  value: string;
  checked: boolean;
  disabled: boolean;
}

export interface UiDocument {
  getElementById(id: string): UiElement | null;
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  createElement(tag: string): UiElement;
  addEventListener(type: "keydown", listener: (event: UiKeyboardEvent) => void): void;
}

export interface UiStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
  clear(): void;
}

export interface Browser {
  readonly document: UiDocument;
  readonly sessionStorage: UiStorage;
  readonly location: {
    readonly pathname: string;
    readonly href: string;
    readonly origin: string;
    readonly search: string;
    readonly hash: string;
    assign(url: string): void;
  };
  readonly history: { replaceState(data: unknown, unused: string, url: string): void };
}

export const browser = globalThis as unknown as Browser;

/** Whether a key typed at `target` enters text (so plain-key shortcuts must leave it alone). */
export function isTextField(target: unknown): boolean {
  if (typeof target !== "object" || target === null) return false;
  const { tagName, type, isContentEditable } = target as {
    tagName?: unknown;
    type?: unknown;
    isContentEditable?: unknown;
  };
  if (isContentEditable === true) return true;
  if (tagName === "TEXTAREA" || tagName === "SELECT") return true;
  if (tagName !== "INPUT") return false;
  return !["radio", "checkbox", "button", "submit", "reset"].includes(String(type));
}
