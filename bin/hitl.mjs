#!/usr/bin/env node
// The CLI is TypeScript; tsx loads it so `npx hitl` works from a clone without a build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
