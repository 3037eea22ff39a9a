import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { groupOf } from "../core/auth/token-roles";
import { ROLES } from "../core/roles";
import { HitlFunction } from "./constructs/hitl-function";
import { QueueWithDlq } from "./constructs/queue-with-dlq";

export interface StatefulStackProps extends StackProps {
  /** Keep data when the stack is deleted (production); destroy it in sandboxes. */
  readonly retainData?: boolean;
  /** Prefix of the Cognito hosted domain (globally unique); defaults to hitl-lab-<account>. */
  readonly cognitoDomainPrefix?: string;
  readonly consoleCallbackUrls?: string[];
}

/**
 * Everything that holds data: tables, queues and the user pool. Kept apart from the stateless
 * stack so functions and state machines can be replaced freely without touching data.
 */
export class StatefulStack extends Stack {
  readonly key: kms.Key;
  readonly experiments: dynamodb.TableV2;
  readonly decisions: dynamodb.TableV2;
  readonly reviews: dynamodb.TableV2;
  readonly auditTrail: dynamodb.TableV2;
  readonly metrics: dynamodb.TableV2;
  readonly ingestQueue: QueueWithDlq;
  readonly reviewIntakeQueue: QueueWithDlq;
  readonly outcomesQueue: QueueWithDlq;
  readonly feedbackQueue: QueueWithDlq;
  readonly deploymentSightingsQueue: QueueWithDlq;
  readonly streamCountFailures: sqs.Queue;
  readonly userPool: cognito.UserPool;
  /** The hosted UI's domain (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** App clients whose tokens the API accepts (the JWT authorizer's audience). */
  readonly apiClients: cognito.UserPoolClient[];
  readonly resourceServerId = "hitl";

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.retainData === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.key = new kms.Key(this, "DataKey", {
      description: "hitl-lab: encrypts tables and queues at rest",
      enableKeyRotation: true,
      removalPolicy,
    });

    const table = (name: string, extra: Partial<dynamodb.TablePropsV2> = {}) =>
      new dynamodb.TableV2(this, name, {
        partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
        sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
        billing: dynamodb.Billing.onDemand(),
        encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: props.retainData !== false,
        removalPolicy,
        ...extra,
      });

    // Experiments: pk = experiment id; sk = "CURRENT" or "V#<version>" (every version is kept).
    this.experiments = table("ExperimentsTable");
    // Decisions: pk = decision id, sk = "DECISION". No per-experiment index: it would add a write to every
    // routed decision, and only rare rebuilds need that listing (they scan).
    // The records tables' streams (old and new images) are what metrics are counted from: each write's
    // record implies its events, in order per shard, with no dedupe item per event (docs/metrics.md).
    this.decisions = table("DecisionsTable", {
      timeToLiveAttribute: "expiresAt",
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: [
        {
          // Feedback records (pk = feedback id, sk = "FEEDBACK") in the order they were produced.
          indexName: "feed",
          partitionKey: { name: "feedPartition", type: dynamodb.AttributeType.STRING },
          sortKey: { name: "feedKey", type: dynamodb.AttributeType.STRING },
        },
      ],
    });
    // Review items: pk = review id; byQueue holds only pending items (sparse), best priority first.
    this.reviews = table("ReviewsTable", {
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: [
        {
          indexName: "byQueue",
          partitionKey: { name: "pendingQueue", type: dynamodb.AttributeType.STRING },
          sortKey: { name: "priorityKey", type: dynamodb.AttributeType.STRING },
        },
        {
          indexName: "byDecision",
          partitionKey: { name: "decisionId", type: dynamodb.AttributeType.STRING },
          sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
        },
        {
          // Sparse: gold and re-review items while claimed; the next claim finds lapsed leases here.
          indexName: "byLease",
          partitionKey: { name: "leaseQueue", type: dynamodb.AttributeType.STRING },
          sortKey: { name: "leaseUntil", type: dynamodb.AttributeType.STRING },
        },
      ],
    });
    // Append-only audit trail: pk = "decision#<id>" or "review#<id>", sk = "<ISO time>#<seq>".
    this.auditTrail = table("AuditTable");
    // Counters per experiment/arm/hour/shard, first-seen units, stream marks (expire by TTL), roll-ups.
    this.metrics = table("MetricsTable", { timeToLiveAttribute: "expiresAt" });

    const queue = (name: string, visibility: Duration) =>
      new QueueWithDlq(this, name, { key: this.key, visibilityTimeout: visibility });
    // Visibility ≥ 6 × the consuming function's timeout (AWS's advice for SQS event sources).
    this.ingestQueue = queue("IngestQueue", Duration.seconds(180));
    this.reviewIntakeQueue = queue("ReviewIntakeQueue", Duration.seconds(60));
    this.outcomesQueue = queue("OutcomesQueue", Duration.seconds(60));
    this.feedbackQueue = queue("FeedbackQueue", Duration.seconds(60));
    // Decisions that arrive with a model version awaiting deployment confirmation (docs/feedback.md).
    this.deploymentSightingsQueue = queue("DeploymentSightingsQueue", Duration.seconds(180));
    // Where the records streams' event sources report a batch they gave up on (shard and sequence
    // range, not the records): alarmed like a dead-letter queue; `hitl metrics rebuild --repair` recounts.
    this.streamCountFailures = new sqs.Queue(new Construct(this, "StreamCountFailures"), "Dlq", {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.userPool = new cognito.UserPool(this, "UserPool", {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // A reviewer's queues (patterns as in core/review/entitlement.ts), copied onto their token.
      customAttributes: { queues: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) },
      // Essentials: the pre token generation trigger may change an access token's scopes.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      removalPolicy,
    });
    // Per-person roles: a person's token keeps the role scopes of their `hitl-<role>` groups only.
    // The trigger lives here, beside the pool it is part of (a trigger from the stateless stack
    // would make the two stacks depend on each other); it holds no state and reads nothing.
    const preToken = new HitlFunction(this, "PreToken", {
      entry: "pre-token",
      description: "Keeps only the role scopes of a person's user-pool groups on their access token",
      environment: { RESOURCE_SERVER: this.resourceServerId },
    });
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      preToken.fn,
      cognito.LambdaVersion.V2_0,
    );
    // What an operator needs to give people roles (docs/app.md "Signing in").
    new CfnOutput(this, "UserPoolId", { value: this.userPool.userPoolId });
    for (const role of ROLES) {
      new cognito.UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: groupOf(role),
        description: `hitl-lab role ${role}: access tokens of its members carry the hitl/${role} scope`,
      });
    }
    const scopes = ROLES.map(
      (role) => new cognito.ResourceServerScope({ scopeName: role, scopeDescription: role }),
    );
    const resourceServer = this.userPool.addResourceServer("ResourceServer", {
      identifier: this.resourceServerId,
      scopes,
    });
    this.userPoolDomain = this.userPool.addDomain("Domain", {
      cognitoDomain: { domainPrefix: props.cognitoDomainPrefix ?? `hitl-lab-${this.account}` },
    });
    const oauthScopes = scopes.map((scope) => cognito.OAuthScope.resourceServer(resourceServer, scope));
    // Product systems and pipelines: client-credentials tokens; one client per system in practice.
    const service = this.userPool.addClient("ServiceClient", {
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: oauthScopes },
    });
    // Reviewers and analysts in the browser console: authorization code with PKCE.
    const browser = this.userPool.addClient("ConsoleClient", {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, ...oauthScopes],
        callbackUrls: props.consoleCallbackUrls ?? ["http://localhost:3000/console"],
      },
    });
    this.apiClients = [service, browser];
  }

  /** Every dead-letter queue, for alarms. */
  get deadLetterQueues(): sqs.Queue[] {
    return [
      this.ingestQueue,
      this.reviewIntakeQueue,
      this.outcomesQueue,
      this.feedbackQueue,
      this.deploymentSightingsQueue,
    ]
      .map((q) => q.dlq)
      .concat(this.streamCountFailures);
  }
}
