// `#console-page` outside the Lambda bundle (tests, type check): the page, built from console/src on import.
// The bundle aliases `#console-page` to the module lib/constructs/console.ts writes into cdk.out.
import { buildConsolePageSync, type ConsolePage } from "./build";

export const CONSOLE_PAGE: ConsolePage = buildConsolePageSync();
