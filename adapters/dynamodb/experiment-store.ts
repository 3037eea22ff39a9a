import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { conflict } from "../../core/errors";
import type { Experiment } from "../../core/experiments/schema";
import type { ExperimentStore } from "../../core/ports";
import { isTransactionConditionFailure } from "./client";
import { allPages } from "./pages";

const CURRENT = "CURRENT";
const versionKey = (version: number) => `V#${String(version).padStart(6, "0")}`;

/**
 * Experiments table: pk = experiment id; sk = "CURRENT" (what routing reads) and "V#000001"...
 * (every version ever saved, so each decision's configVersion can be looked up).
 */
export class DynamoExperimentStore implements ExperimentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Experiment | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: id, sk: CURRENT } }),
    );
    return Item ? strip(Item) : undefined;
  }

  async getVersion(id: string, version: number): Promise<Experiment | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: id, sk: versionKey(version) } }),
    );
    return Item ? strip(Item) : undefined;
  }

  /** Every saved version, oldest first: one Query of the experiment's `V#` items. */
  async versions(id: string): Promise<Experiment[]> {
    const items = await allPages((start) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :v)",
          ExpressionAttributeValues: { ":pk": id, ":v": "V#" },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map(strip);
  }

  /** A scan filtered to current versions: experiments number in the tens, not millions. */
  async list(): Promise<Experiment[]> {
    const items = await allPages((start) =>
      this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: "sk = :current",
          ExpressionAttributeValues: { ":current": CURRENT },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map(strip).sort((a, b) => a.id.localeCompare(b.id));
  }

  async save(experiment: Experiment): Promise<void> {
    const current =
      experiment.version === 1
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : {
            ConditionExpression: "#v = :previous",
            ExpressionAttributeNames: { "#v": "version" },
            ExpressionAttributeValues: { ":previous": experiment.version - 1 },
          };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { pk: experiment.id, sk: CURRENT, ...experiment },
                ...current,
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { pk: experiment.id, sk: versionKey(experiment.version), ...experiment },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isTransactionConditionFailure(error)) {
        throw conflict(
          experiment.version === 1 ? "experiment_exists" : "version_conflict",
          experiment.version === 1
            ? `experiment "${experiment.id}" already exists; change it with PUT /v1/experiments/${experiment.id}`
            : `experiment "${experiment.id}" changed meanwhile (expected version ${experiment.version - 1}); read it again and retry`,
        );
      }
      throw error;
    }
  }
}

/**
 * Routing reads the experiment on every decision; a short per-container cache turns that into one
 * read every few seconds. A change reaches every container within `ttlMs` (documented).
 */
export class CachedExperimentReader implements Pick<ExperimentStore, "get"> {
  private readonly cache = new Map<string, { at: number; value: Experiment | undefined }>();

  constructor(
    private readonly inner: Pick<ExperimentStore, "get">,
    private readonly ttlMs = 5_000,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(id: string): Promise<Experiment | undefined> {
    const hit = this.cache.get(id);
    if (hit && this.clock() - hit.at < this.ttlMs) return hit.value;
    const value = await this.inner.get(id);
    this.cache.set(id, { at: this.clock(), value });
    return value;
  }
}

function strip(item: Record<string, unknown>): Experiment {
  const { pk: _pk, sk: _sk, ...experiment } = item;
  return experiment as unknown as Experiment;
}
