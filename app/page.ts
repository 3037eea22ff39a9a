// `#app-page` outside the Lambda bundle (tests, type check): the page, built from app/src on import.
// The bundle aliases `#app-page` to the module lib/constructs/web-app.ts writes into cdk.out.
import { type AppPage, buildAppPageSync } from "./build";

export const APP_PAGE: AppPage = buildAppPageSync();
