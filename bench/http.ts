/** The benchmark's API clients (`hitl-lab/client`), one per token, counting every request they make. */
import { HitlClient } from "../client";

export class BenchApi {
  /** HTTP requests sent: each is one API Gateway request. */
  requests = 0;
  private readonly clients = new Map<string, HitlClient>();

  constructor(private readonly baseUrl: string) {}

  /** The client with this token. No retries: a failed request is a result to report, not to hide. */
  as(token: string): HitlClient {
    let client = this.clients.get(token);
    if (!client) {
      client = new HitlClient({
        baseUrl: this.baseUrl,
        token,
        retry: { maxAttempts: 1 },
        onAttempt: () => {
          this.requests += 1;
        },
      });
      this.clients.set(token, client);
    }
    return client;
  }
}
