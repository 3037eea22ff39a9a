/**
 * The typed feedback controls of an open item: an editor for a correction, a radio group per rubric
 * criterion (with each point's words), the two candidates of a pairwise review side by side (by
 * position only: their sources stay hidden), and a proposed tool call with its editable arguments.
 */
import { browser, type UiControl, type UiElement } from "./dom";
import { editorText, pointsOf, type TypedKey, type TypedState, typedEntries } from "./typed-logic";
import type { Review } from "./types";

const doc = browser.document;

function h(tag: string, attributes: Record<string, string> = {}, ...children: (UiElement | string)[]) {
  const element = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Ids must be valid and unique: criterion names may hold `-` and `_` only besides letters and digits. */
const radioId = (group: string, value: string) => `${group}-${value}`;

function radio(group: string, value: string, text: string, onPick: () => void, extra?: UiElement): UiElement {
  const input = h("input", { type: "radio", name: group, value, id: radioId(group, value) }) as UiControl;
  input.addEventListener("change", onPick);
  return h(
    "label",
    { class: "choice", for: radioId(group, value) },
    input,
    h("span", {}, text),
    ...(extra ? [extra] : []),
  );
}

/** Renders the item's typed controls into `container`, keeping `state` up to date as the reviewer works. */
export function renderTyped(container: UiElement, review: Review, state: TypedState): void {
  const parts: UiElement[] = [];
  const prediction = review.context.prediction;
  for (const entry of typedEntries(review)) {
    if (entry.type === "correction") {
      const editor = h("textarea", { id: "correction-output", rows: "8", spellcheck: "true" }) as UiControl;
      editor.value = editorText(prediction?.output);
      editor.addEventListener("input", () => {
        state.correction = editor.value;
      });
      parts.push(
        h(
          "fieldset",
          { class: "typed correction" },
          h("legend", {}, entry.format === "json" ? "Correct the JSON output" : "Correct the output"),
          h("label", { for: "correction-output" }, "Model output: edit it, or leave it as is to accept it"),
          editor,
        ),
      );
    } else if (entry.type === "rubric") {
      for (const criterion of entry.criteria ?? []) {
        const group = `rubric-${criterion.name}`;
        const choices = pointsOf(criterion).map((point, i) => {
          const words = criterion.points?.[point];
          const key = point === "pass" || point === "fail" ? String(i + 1) : point;
          return radio(
            group,
            point,
            point,
            () => {
              state.rubric[criterion.name] = point;
            },
            h("small", {}, `${words ? `${words} · ` : ""}key ${key}`),
          );
        });
        parts.push(
          h(
            "fieldset",
            { class: "typed rubric" },
            h("legend", {}, `Rubric: ${criterion.name}`),
            ...(criterion.description ? [h("p", { class: "help" }, criterion.description)] : []),
            h("div", { class: "choices" }, ...choices),
          ),
        );
      }
    } else if (entry.type === "pairwise") {
      const output = (position: "A" | "B") =>
        editorText(prediction?.candidates?.find((c) => c.position === position)?.output ?? "");
      const pick = (choice: "A" | "B" | "equal") => () => {
        state.pairwise = choice;
      };
      parts.push(
        h(
          "fieldset",
          { class: "typed pairwise" },
          h("legend", {}, "Which answer is better?"),
          h(
            "div",
            { class: "candidates" },
            h("figure", { id: "candidate-A" }, h("figcaption", {}, "A"), h("pre", {}, output("A"))),
            h("figure", { id: "candidate-B" }, h("figcaption", {}, "B"), h("pre", {}, output("B"))),
          ),
          h(
            "div",
            { class: "choices" },
            radio("pairwise", "A", "A is better", pick("A"), h("small", {}, "key a")),
            radio("pairwise", "B", "B is better", pick("B"), h("small", {}, "key b")),
            ...(entry.allowEqual === false
              ? []
              : [radio("pairwise", "equal", "Equal", pick("equal"), h("small", {}, "key e"))]),
          ),
        ),
      );
    } else if (entry.type === "approval") {
      const args = h("textarea", { id: "approval-arguments", rows: "6", spellcheck: "false" }) as UiControl;
      args.value = editorText(prediction?.action?.arguments ?? {});
      args.addEventListener("input", () => {
        state.arguments = args.value;
      });
      const pick = (action: "approve" | "reject" | "edit") => () => {
        state.approval = action;
      };
      parts.push(
        h(
          "fieldset",
          { class: "typed approval" },
          h("legend", {}, `Proposed tool call: ${prediction?.action?.tool ?? "(none)"}`),
          h("label", { for: "approval-arguments" }, "Arguments (JSON): edit them to approve an edited call"),
          args,
          h(
            "div",
            { class: "choices" },
            radio("approval", "approve", "Approve", pick("approve"), h("small", {}, "key y")),
            radio("approval", "edit", "Approve edited", pick("edit")),
            radio("approval", "reject", "Reject", pick("reject"), h("small", {}, "key n")),
          ),
        ),
      );
    }
  }
  container.replaceChildren(...parts);
  container.hidden = parts.length === 0;
}

/** Applies a typed shortcut: the state and the matching radio, focused. */
export function applyTypedKey(action: TypedKey, state: TypedState): void {
  let id: string;
  if (action.type === "pairwise") {
    state.pairwise = action.choice;
    id = radioId("pairwise", action.choice);
  } else if (action.type === "approval") {
    state.approval = action.action;
    id = radioId("approval", action.action);
  } else {
    state.rubric[action.criterion] = action.score;
    id = radioId(`rubric-${action.criterion}`, action.score);
  }
  const control = doc.getElementById(id) as UiControl | null;
  if (control) {
    control.checked = true;
    control.focus();
  }
}
