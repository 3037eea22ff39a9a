import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { ReviewItem } from "../../core/review/item";
import { fromReviewItem, REVIEW_SK } from "./review-store";

/** A stream image as the reviews table's stream carries it. */
export type StreamImage = Record<string, AttributeValue>;

/** The review item a stream image holds; undefined for other items of the table (gold, reviewer states). */
export function reviewOfImage(image: StreamImage | undefined): ReviewItem | undefined {
  if (!image) return undefined;
  const item = unmarshall(image);
  return item.sk === REVIEW_SK ? fromReviewItem(item) : undefined;
}
