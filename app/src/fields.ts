/**
 * The editor's fields: one labelled input per value of the JSON config, kept in step with it, where
 * each of the API's validation issues is shown next to its field (aria-invalid, aria-describedby)
 * and the first one gets the focus.
 */
import { h } from "./dom";
import { fieldOf, fieldText, fieldValue, type Leaf, leaves, setAt } from "./fields-logic";

export interface FieldIssue {
  path: string;
  message: string;
}

export interface FieldsForm {
  element: HTMLElement;
  /** Rebuilds the fields from the JSON (after it was edited as text). */
  render(): void;
  /** Shows each issue at its field and focuses the first; returns the issues no field took. */
  showIssues(issues: readonly FieldIssue[]): FieldIssue[];
  clearIssues(): void;
}

export function fieldsForm(config: HTMLTextAreaElement): FieldsForm {
  const list = h("div", { class: "fields", id: "fields" });
  const note = h("p", { class: "help", id: "fields-note" });
  let inputs = new Map<string, { input: HTMLInputElement; error: HTMLElement; leaf: Leaf }>();

  const render = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(config.value);
    } catch {
      note.textContent = "The config is not JSON: fix it as text, then the fields come back.";
      list.replaceChildren();
      inputs = new Map();
      return;
    }
    note.textContent = "Each value of the config; a change here changes the JSON above.";
    inputs = new Map();
    const rows = leaves(parsed).map((leaf, i) => {
      const id = `field-${i}`;
      const input = h("input", { id, type: "text", autocomplete: "off", "data-path": leaf.path });
      input.value = fieldText(leaf.value);
      const error = h("p", { id: `${id}-error`, class: "field-error", hidden: "" });
      input.addEventListener("change", () => {
        try {
          const next = setAt(JSON.parse(config.value), leaf.keys, fieldValue(input.value, leaf.value));
          config.value = JSON.stringify(next, null, 2);
        } catch {
          // The text was changed into something that is not JSON: the text is what counts.
        }
      });
      inputs.set(leaf.path, { input, error, leaf });
      return h("div", { class: "field" }, h("label", { for: id }, h("code", {}, leaf.path)), input, error);
    });
    list.replaceChildren(...rows);
  };

  const clearIssues = () => {
    for (const { input, error } of inputs.values()) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      error.hidden = true;
      error.textContent = "";
    }
  };

  const showIssues = (issues: readonly FieldIssue[]) => {
    clearIssues();
    const paths = [...inputs.keys()];
    const unplaced: FieldIssue[] = [];
    for (const issue of issues) {
      const at = fieldOf(issue.path, paths);
      const field = at === undefined ? undefined : inputs.get(at);
      if (!field) {
        unplaced.push(issue);
        continue;
      }
      // An issue about a group or a missing field names its own path in front of the message.
      const text = at === issue.path ? issue.message : `${issue.path}: ${issue.message}`;
      field.error.textContent = field.error.textContent ? `${field.error.textContent} ${text}` : text;
      field.error.hidden = false;
      field.input.setAttribute("aria-invalid", "true");
      field.input.setAttribute("aria-describedby", field.error.id);
    }
    // The first field in the page's order that has an issue.
    [...inputs.values()].find((f) => f.input.hasAttribute("aria-invalid"))?.input.focus();
    return unplaced;
  };

  const element = h(
    "section",
    { class: "card", "aria-labelledby": "fields-title" },
    h("h3", { id: "fields-title" }, "Fields"),
    note,
    list,
  );
  config.addEventListener("change", render);
  return { element, render, showIssues, clearIssues };
}
