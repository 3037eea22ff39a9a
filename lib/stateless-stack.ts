import { ArnFormat, Duration, Lazy, Stack, type StackProps } from "aws-cdk-lib";
import { HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { Construct } from "constructs";
import type { Role } from "../core/roles";
import { Alarms } from "./constructs/alarms";
import { ApiContract } from "./constructs/api-contract";
import { ReviewerConsole } from "./constructs/console";
import { Dashboard } from "./constructs/dashboard";
import { FeedbackApi } from "./constructs/feedback-api";
import { Guardrails } from "./constructs/guardrails";
import { HitlFunction } from "./constructs/hitl-function";
import { HitlHttpApi } from "./constructs/http-api";
import { MetricsPipeline } from "./constructs/metrics-pipeline";
import { Reports } from "./constructs/reports";
import { ReviewRevisions } from "./constructs/review-revisions";
import { ReviewStateMachine } from "./constructs/review-state-machine";
import { RouterStateMachine } from "./constructs/router-state-machine";
import { WebApp } from "./constructs/web-app";
import { WebSignIn } from "./constructs/web-sign-in";
import type { StatefulStack } from "./stateful-stack";

export interface StatelessStackProps extends StackProps {
  readonly data: StatefulStack;
  /** Bearer-token issuer; defaults to the stateful stack's Cognito user pool. */
  readonly jwtIssuer?: string;
  readonly jwtAudience?: string[];
  /** The pages' client at another issuer (with jwtIssuer); defaults to the first audience. */
  readonly oidcClientId?: string;
  /** Origins besides the issuer's that sign-in calls (with jwtIssuer), space-separated. */
  readonly oidcOrigins?: string;
  /** More callback URLs of the pages' Cognito client. */
  readonly webCallbackUrls?: string[];
}

/** Functions, state machines, the HTTP API and alarms: everything replaceable without data loss. */
export class StatelessStack extends Stack {
  readonly api: HitlHttpApi;
  readonly router: RouterStateMachine;
  readonly review: ReviewStateMachine;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { data } = props;

    const tables = {
      EXPERIMENTS_TABLE: data.experiments.tableName,
      DECISIONS_TABLE: data.decisions.tableName,
      REVIEWS_TABLE: data.reviews.tableName,
      AUDIT_TABLE: data.auditTrail.tableName,
    };
    const fn = (
      id: string,
      entry: string,
      description: string,
      environment: Record<string, string>,
      timeout = 10,
      memorySize = 256,
    ) =>
      new HitlFunction(this, id, {
        entry,
        description,
        environment,
        timeout: Duration.seconds(timeout),
        memorySize,
      }).fn;
    // Audit entries are only ever added: PutItem (always with attribute_not_exists in code), never update or delete.
    const appendAudit = (f: lambda.IFunction) => {
      data.auditTrail.grant(f, "dynamodb:PutItem");
      data.key.grant(f, "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey");
    };

    // ── review workflow (Standard) ──────────────────────────────────────────────
    const reviewSteps = fn(
      "ReviewSteps",
      "review-steps",
      "Review workflow steps: settle, escalate, fallback",
      {
        ...tables,
        OUTCOMES_QUEUE_URL: data.outcomesQueue.queue.queueUrl,
        FEEDBACK_QUEUE_URL: data.feedbackQueue.queue.queueUrl,
      },
    );
    data.reviews.grantReadWriteData(reviewSteps);
    data.decisions.grantReadWriteData(reviewSteps);
    data.experiments.grantReadData(reviewSteps);
    appendAudit(reviewSteps);
    for (const q of [data.outcomesQueue, data.feedbackQueue]) q.queue.grantSendMessages(reviewSteps);
    this.review = new ReviewStateMachine(this, "Review", {
      intakeQueue: data.reviewIntakeQueue.queue,
      stepsFunction: reviewSteps,
    });

    const reviewIntake = fn(
      "ReviewIntake",
      "review-intake",
      "Stores held items (and their task tokens) for reviewers",
      { ...tables, REVIEW_INTAKE_DLQ_URL: data.reviewIntakeQueue.dlq.queueUrl },
    );
    data.reviewIntakeQueue.dlq.grantSendMessages(reviewIntake);
    data.reviews.grantReadWriteData(reviewIntake);
    data.decisions.grantReadData(reviewIntake);
    appendAudit(reviewIntake);
    reviewIntake.addEventSource(
      new SqsEventSource(data.reviewIntakeQueue.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    // ── routing (Express, synchronous) ──────────────────────────────────────────
    const routeDecision = fn(
      "RouteDecision",
      "route-decision",
      "Assigns the arm, applies its policy, records the decision",
      tables,
    );
    data.experiments.grantReadData(routeDecision);
    data.decisions.grant(routeDecision, "dynamodb:GetItem", "dynamodb:PutItem");
    data.key.grantEncryptDecrypt(routeDecision);
    appendAudit(routeDecision);
    const feedbackApi = new FeedbackApi(this, "Feedback", {
      decisions: data.decisions,
      reviews: data.reviews,
      experiments: data.experiments,
      auditTrail: data.auditTrail,
      feedbackQueue: data.feedbackQueue.queue,
      key: data.key,
      sightings: data.deploymentSightingsQueue,
    });
    feedbackApi.watchDeploymentsFrom(routeDecision);
    this.router = new RouterStateMachine(this, "Router", {
      routeFunction: routeDecision,
      reviewStateMachine: this.review.stateMachine,
    });

    const decisionsApi = fn(
      "DecisionsApi",
      "decisions-api",
      "POST/GET /v1/decisions, withdraw, audit trail",
      {
        ...tables,
        ROUTER_STATE_MACHINE_ARN: this.router.stateMachine.stateMachineArn,
        REVIEW_STATE_MACHINE_ARN: this.review.stateMachine.stateMachineArn,
      },
      10,
      // It mostly waits for the synchronous router: the smallest memory is the cheapest wait.
      128,
    );
    decisionsApi.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["states:StartSyncExecution"],
        resources: [this.router.stateMachine.stateMachineArn],
      }),
    );
    data.decisions.grant(decisionsApi, "dynamodb:GetItem", "dynamodb:UpdateItem");
    data.reviews.grant(decisionsApi, "dynamodb:GetItem", "dynamodb:UpdateItem");
    data.auditTrail.grant(decisionsApi, "dynamodb:Query");
    appendAudit(decisionsApi);
    data.key.grantEncryptDecrypt(decisionsApi);
    // Withdrawing a held decision stops its review execution (named by review id).
    decisionsApi.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["states:StopExecution"],
        resources: [
          Stack.of(this).formatArn({
            service: "states",
            resource: "execution",
            resourceName: `${this.review.stateMachine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    const ingest = fn(
      "Ingest",
      "ingest",
      "Routes decisions sent to the ingest queue through the same router",
      {
        ROUTER_STATE_MACHINE_ARN: this.router.stateMachine.stateMachineArn,
        INGEST_DLQ_URL: data.ingestQueue.dlq.queueUrl,
      },
      30,
      128,
    );
    ingest.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["states:StartSyncExecution"],
        resources: [this.router.stateMachine.stateMachineArn],
      }),
    );
    data.ingestQueue.dlq.grantSendMessages(ingest);
    ingest.addEventSource(
      new SqsEventSource(data.ingestQueue.queue, {
        batchSize: 25,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );

    const reviewsApi = fn(
      "ReviewsApi",
      "reviews-api",
      "Reviewer API: queues, claim, verdict, release, heartbeat",
      {
        ...tables,
        REVIEW_STATE_MACHINE_ARN: this.review.stateMachine.stateMachineArn,
      },
    );
    data.reviews.grantReadWriteData(reviewsApi);
    data.experiments.grantReadData(reviewsApi);
    data.auditTrail.grant(reviewsApi, "dynamodb:Query");
    appendAudit(reviewsApi);
    // Task-token calls are authorized on the state machine that issued the token.
    reviewsApi.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["states:SendTaskSuccess", "states:SendTaskHeartbeat"],
        resources: [this.review.stateMachine.stateMachineArn],
      }),
    );

    // Gold uploads, scorecards (reviewer rows of the metrics table) and reviewers' standing.
    const reviewersApi = fn(
      "ReviewersApi",
      "reviewers-api",
      "Reviewer quality API: gold uploads, scorecards, pause and reinstate",
      { ...tables, METRICS_TABLE: data.metrics.tableName },
    );
    data.reviews.grantReadWriteData(reviewersApi);
    data.experiments.grantReadData(reviewersApi);
    // Scorecards read the reviewer rows' counter items (Query per shard), nothing else of the table.
    data.metrics.grant(reviewersApi, "dynamodb:Query");
    data.auditTrail.grant(reviewersApi, "dynamodb:Query");
    appendAudit(reviewersApi);

    const experimentsApi = fn(
      "ExperimentsApi",
      "experiments-api",
      "Create, read, list and change experiments",
      tables,
    );
    data.experiments.grantReadWriteData(experimentsApi);
    appendAudit(experimentsApi);
    // The experiment's history page reads its audit trail (creations, changes, guardrail pauses).
    data.auditTrail.grant(experimentsApi, "dynamodb:Query");

    // ── HTTP API ────────────────────────────────────────────────────────────────
    // The pages' sign-in client needs the API's URL for its callbacks, and the authorizer its id: lazy.
    const audience = props.jwtAudience ?? data.apiClients.map((c) => c.userPoolClientId);
    this.api = new HitlHttpApi(this, "Http", {
      jwtIssuer:
        props.jwtIssuer ?? `https://cognito-idp.${this.region}.amazonaws.com/${data.userPool.userPoolId}`,
      jwtAudience: Lazy.list({ produce: () => audience }),
    });
    const reports = new Reports(this, "Reports", {
      experimentsTable: data.experiments,
      metricsTable: data.metrics,
      key: data.key,
    });
    new Guardrails(this, "Guardrails", {
      experimentsTable: data.experiments,
      metricsTable: data.metrics,
      auditTable: data.auditTrail,
      key: data.key,
    });
    const route = (method: HttpMethod, path: string, handler: lambda.IFunction, roles: HitlRoles) =>
      this.api.addRoute({ method, path, handler, roles });
    route(HttpMethod.POST, "/v1/decisions", decisionsApi, ["producer"]);
    route(HttpMethod.GET, "/v1/decisions/{id}", decisionsApi, ["producer", "analyst", "reviewer", "admin"]);
    route(HttpMethod.GET, "/v1/decisions/{id}/audit", decisionsApi, ["analyst", "admin"]);
    route(HttpMethod.POST, "/v1/decisions/{id}/withdraw", decisionsApi, ["producer", "admin"]);
    route(HttpMethod.GET, "/v1/feedback", feedbackApi.fn, ["ml"]);
    route(HttpMethod.POST, "/v1/feedback/ack", feedbackApi.fn, ["ml"]);
    route(HttpMethod.POST, "/v1/decisions/{id}/ground-truth", feedbackApi.fn, ["producer", "ml"]);
    route(HttpMethod.POST, "/v1/decisions/{id}/signals", feedbackApi.fn, ["producer"]);
    route(HttpMethod.GET, "/v1/queues", reviewsApi, ["reviewer", "admin"]);
    route(HttpMethod.GET, "/v1/queues/history", reviewsApi, ["reviewer", "admin"]);
    route(HttpMethod.POST, "/v1/queues/{queue}/claim", reviewsApi, ["reviewer", "admin"]);
    route(HttpMethod.GET, "/v1/reviews/{id}", reviewsApi, ["reviewer", "admin"]);
    route(HttpMethod.POST, "/v1/reviews/{id}/verdict", reviewsApi, ["reviewer", "admin"]);
    route(HttpMethod.POST, "/v1/reviews/{id}/release", reviewsApi, ["reviewer", "admin"]);
    route(HttpMethod.POST, "/v1/reviews/{id}/heartbeat", reviewsApi, ["reviewer", "admin"]);
    route(HttpMethod.POST, "/v1/queues/{queue}/gold", reviewersApi, ["admin"]);
    route(HttpMethod.GET, "/v1/reviewers", reviewersApi, ["admin"]);
    route(HttpMethod.GET, "/v1/reviewers/me", reviewersApi, ["reviewer", "admin"]);
    route(HttpMethod.POST, "/v1/reviewers/{reviewer}/pause", reviewersApi, ["admin"]);
    route(HttpMethod.POST, "/v1/reviewers/{reviewer}/reinstate", reviewersApi, ["admin"]);
    route(HttpMethod.GET, "/v1/experiments", experimentsApi, ["admin", "analyst"]);
    route(HttpMethod.POST, "/v1/experiments", experimentsApi, ["admin"]);
    route(HttpMethod.GET, "/v1/experiments/{id}", experimentsApi, ["admin", "analyst"]);
    route(HttpMethod.PUT, "/v1/experiments/{id}", experimentsApi, ["admin"]);
    route(HttpMethod.GET, "/v1/experiments/{id}/versions", experimentsApi, ["admin", "analyst"]);
    route(HttpMethod.GET, "/v1/experiments/{id}/report", reports.fn, ["analyst", "admin"]);

    const webSignIn = new WebSignIn(this, "WebSignIn", {
      api: this.api,
      userPool: data.userPool,
      domain: data.userPoolDomain,
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
      oidcClientId: props.oidcClientId,
      oidcOrigins: props.oidcOrigins,
      extraCallbackUrls: props.webCallbackUrls,
    });
    if (webSignIn.client && !props.jwtAudience) audience.push(webSignIn.client.userPoolClientId);
    new ReviewerConsole(this, "Console", { api: this.api, signIn: webSignIn.environment });
    new WebApp(this, "App", { api: this.api, signIn: webSignIn.environment });
    new ApiContract(this, "Contract", { api: this.api });

    new MetricsPipeline(this, "Metrics", {
      metricsTable: data.metrics,
      decisionsTable: data.decisions,
      reviewsTable: data.reviews,
      streamFailures: data.streamCountFailures,
      key: data.key,
    });

    new ReviewRevisions(this, "ReviewRevisions", {
      reviewsTable: data.reviews,
      decisionsTable: data.decisions,
      auditTable: data.auditTrail,
      outcomesQueue: data.outcomesQueue.queue,
      feedbackQueue: data.feedbackQueue.queue,
      streamFailures: data.streamCountFailures,
      key: data.key,
      environment: tables,
    });

    new Alarms(this, "Alarms", {
      key: data.key,
      deadLetterQueues: data.deadLetterQueues,
      stateMachines: [this.router.stateMachine, this.review.stateMachine],
    });

    // Last: it shows every function and queue created above.
    new Dashboard(this, "Operations", {
      queues: data,
      deadLetterQueues: data.deadLetterQueues,
      functions: this,
      stateMachines: [this.router.stateMachine, this.review.stateMachine],
      api: this.api.api,
    });
  }
}

type HitlRoles = readonly Role[];
