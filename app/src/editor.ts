/**
 * Create and change an experiment (admin): its config as JSON over the same schema the API checks,
 * the change shown as a diff before it is saved as a new version, the API's validation messages by
 * field, and an assignment preview that computes what `hitl assign` does (the same core functions).
 */
import { assignArm } from "../../core/assignment/assign";
import type { Experiment } from "../../core/experiments/schema";
import { formatErrors, newExperiment, parseExperiment } from "../../core/experiments/validate";
import { type Api, ApiError } from "./api";
import { byId, h } from "./dom";
import type { View } from "./experiments";
import { type FieldIssue, fieldsForm } from "./fields";
import { diffConfigs, formatValue } from "./logic";

const TEMPLATE = {
  id: "my-experiment",
  status: "draft",
  control: "conservative",
  labels: ["approve", "deny"],
  qualityMargin: 0.01,
  arms: [
    { id: "conservative", weight: 0.5, policy: { autoAcceptAbove: 0.95, auditRate: 0.05 } },
    { id: "aggressive", weight: 0.5, policy: { autoAcceptAbove: 0.8, auditRate: 0.05 } },
  ],
};

/** The config a person edits: the experiment without what the server keeps (version, times). */
export function editable(experiment: Experiment): Record<string, unknown> {
  const { version: _v, createdAt: _c, updatedAt: _u, ...config } = experiment;
  return config;
}

/** Which arm a unit gets under an edited config, as `hitl assign` prints it, or why there is none. */
export function previewAssignment(text: string, unitId: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `The config is not JSON: ${(error as Error).message}`;
  }
  const parsed = parseExperiment(json);
  if (!parsed.ok) return `The config is not valid:\n${formatErrors(parsed.errors)}`;
  const assignment = assignArm(newExperiment(parsed.value, new Date(0).toISOString()), unitId);
  const bucket = `bucket ${assignment.bucket.toFixed(4)}`;
  if (assignment.enrolled) return `${unitId} → ${assignment.armId} (${bucket})`;
  if (assignment.pausedArm)
    return `${unitId} → not enrolled: arm ${assignment.pausedArm} is paused, control's policy applies (${bucket})`;
  return `${unitId} → not enrolled (${bucket}; the experiment is ${parsed.value.status ?? "draft"} or the unit is outside coverage)`;
}

export async function editorPage(api: Api, id: string | undefined): Promise<View> {
  const current = id ? await api.experiment(id) : undefined;
  const title = current ? `Change ${current.id}` : "New experiment";
  const config = h("textarea", {
    id: "config",
    rows: "24",
    spellcheck: "false",
    "aria-describedby": "config-help",
  });
  config.value = JSON.stringify(current ? editable(current) : TEMPLATE, null, 2);
  const fields = fieldsForm(config);
  fields.render();
  const changes = h("div", { id: "changes", "aria-live": "polite" });
  const errors = h("ul", { id: "field-errors", class: "warnings", "aria-live": "polite" });
  const unit = h("input", { id: "unit", type: "text", autocomplete: "off" });
  const assigned = h("output", { id: "assigned", for: "unit config" });
  const preview = h("button", { type: "button", id: "preview" }, "Show the changes");
  const save = h("button", { type: "button", id: "save" }, current ? "Save as a new version" : "Create");
  const assign = h("button", { type: "button", id: "assign" }, "Which arm?");

  const showChanges = (): boolean => {
    errors.replaceChildren();
    let edited: unknown;
    try {
      edited = JSON.parse(config.value);
    } catch (error) {
      changes.replaceChildren(h("p", {}, `The config is not JSON: ${(error as Error).message}`));
      return false;
    }
    const diff = diffConfigs(current ? editable(current) : {}, edited);
    changes.replaceChildren(
      diff.length === 0
        ? h("p", {}, "No change.")
        : h(
            "ul",
            { class: "diff", "aria-label": "Changes to be saved" },
            ...diff.map((c) =>
              h(
                "li",
                {},
                `${c.path}: `,
                h("del", {}, formatValue(c.before)),
                " → ",
                h("ins", {}, formatValue(c.after)),
              ),
            ),
          ),
    );
    return true;
  };
  preview.addEventListener("click", () => void showChanges());
  assign.addEventListener("click", () => {
    assigned.textContent = previewAssignment(config.value, unit.value.trim());
  });
  save.addEventListener("click", async () => {
    fields.render();
    if (!showChanges()) return;
    const status = byId("status");
    const alert = byId("alert");
    alert.hidden = true;
    try {
      const saved = current
        ? await api.saveExperiment(current.id, JSON.parse(config.value))
        : await api.createExperiment(JSON.parse(config.value));
      status.textContent = `Saved ${saved.id} as version ${saved.version}.`;
      location.hash = `#/experiments/${encodeURIComponent(saved.id)}`;
    } catch (error) {
      alert.textContent = `Not saved: ${error instanceof Error ? error.message : String(error)}`;
      alert.hidden = false;
      if (error instanceof ApiError) {
        const issues: FieldIssue[] = error.details.map((d) => {
          const { path, message } = d as { path?: string; message?: string };
          return { path: path ?? "", message: message ?? "" };
        });
        errors.replaceChildren(
          ...issues.map((i) => h("li", {}, h("code", {}, i.path || "(the config)"), `: ${i.message}`)),
        );
        // Each issue also stands at its field, which gets the focus; the list keeps them all.
        fields.showIssues(issues);
      }
    }
  });

  const element = h(
    "div",
    {},
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      h("h2", { id: "page-title", tabindex: "-1" }, title),
      h("label", { for: "config" }, "Experiment config (JSON)"),
      config,
      h(
        "p",
        { id: "config-help", class: "help" },
        "The same fields as the API and `hitl experiments create` (README, Experiments). Saving makes a new version; the API checks every field and its messages name them below.",
      ),
      h("div", { class: "actions" }, preview, " ", save),
      h("h3", {}, "Field errors"),
      errors,
      h("h3", {}, "Changes"),
      changes,
    ),
    fields.element,
    h(
      "section",
      { class: "card", "aria-labelledby": "assign-title" },
      h("h3", { id: "assign-title" }, "Assignment preview"),
      h("label", { for: "unit" }, "Unit id"),
      unit,
      assign,
      h("pre", {}, assigned),
    ),
  );
  return { element };
}
