import { z } from "zod";
import { notFound, validationFailed } from "../errors";
import { ExperimentInputSchema } from "../experiments/schema";
import { parseWithSchema } from "../experiments/validate";
import type { ExperimentStore, PendingFilter } from "../ports";

/** The claim route's query: `?experimentId=ID` keeps the claim to that experiment's items. */
export const ClaimQuerySchema = z.strictObject({ experimentId: ExperimentInputSchema.shape.id.optional() });

/** The claim filter a query asks for; a malformed query is a 400, an unknown experiment a 404. */
export async function claimFilter(
  experiments: Pick<ExperimentStore, "get">,
  query: Readonly<Record<string, string>>,
): Promise<PendingFilter> {
  const parsed = parseWithSchema(ClaimQuerySchema, query, "query");
  if (!parsed.ok) throw validationFailed("claim query", parsed.errors);
  const { experimentId } = parsed.value;
  if (experimentId === undefined) return {};
  if (!(await experiments.get(experimentId))) throw notFound("experiment", experimentId);
  return { experimentId };
}
