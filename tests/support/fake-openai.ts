// A fake OpenAI-compatible server over real HTTP. POST /v1/chat/completions answers
// from a script (tool calls or text) and checks requests the way the real API does:
// the API key (401), the request's shape and strict tool schemas (400), tool results
// that answer a tool call of an earlier assistant message (400). It can also be told
// to fail (500, 429 with Retry-After) or to hang.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptStep =
  | { toolCalls: { name: string; arguments: Record<string, unknown> }[] }
  /** Text; a function writes it from the request (e.g. naming the case a tool returned). */
  | { content: string | ((request: any) => string) }
  | { fail: number; retryAfter?: number }
  | { hang: true };

export const FAKE_OPENAI_KEY = "sk-test-fake-openai";

export class FakeOpenAI {
  readonly requests: any[] = [];
  /** Requests refused by the checks, with the reason (a test failing here found a bug). */
  readonly refused: string[] = [];
  private script: ScriptStep[] = [];
  private server: Server | null = null;
  private readonly hanging = new Set<ServerResponse>();
  url = "";

  play(...steps: ScriptStep[]): void {
    this.script.push(...steps);
  }

  /** Steps not played yet. */
  get remaining(): number {
    return this.script.length;
  }

  get hangingCount(): number {
    return [...this.hanging].filter((r) => !r.destroyed && !r.writableEnded).length;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        const error = (status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(JSON.stringify({ error: { message, type, param: null, code } }));
        };
        if (req.method !== "POST" || req.url !== "/v1/chat/completions") return error(404, `Unknown request URL: ${req.method} ${req.url}`, "invalid_request_error");
        if (req.headers.authorization !== `Bearer ${FAKE_OPENAI_KEY}`) return error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
        let body: any;
        try {
          body = JSON.parse(raw);
        } catch {
          return error(400, "We could not parse the JSON body of your request.", "invalid_request_error");
        }
        const problem = check(body);
        if (problem) {
          this.refused.push(problem);
          return error(400, problem, "invalid_request_error");
        }
        this.requests.push(body);
        const step = this.script.shift() ?? { fail: 500 };
        if ("hang" in step) {
          this.hanging.add(res);
          return;
        }
        if ("fail" in step) {
          if (step.fail === 429) return error(429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded", { "retry-after": String(step.retryAfter ?? 1) });
          return error(step.fail, "The server had an error while processing your request.", "server_error");
        }
        const message =
          "content" in step
            ? { role: "assistant", content: typeof step.content === "function" ? step.content(body) : step.content, refusal: null }
            : {
                role: "assistant",
                content: null,
                refusal: null,
                tool_calls: step.toolCalls.map((c, i) => ({ id: `call_${this.requests.length}_${i}`, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
              };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${this.requests.length}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [{ index: 0, message, logprobs: null, finish_reason: "content" in step ? "stop" : "tool_calls" }],
            usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }
}

/** What the real API refuses with 400, as far as Tandem's requests can get it wrong. */
function check(body: any): string | null {
  if (typeof body?.model !== "string" || !body.model) return "you must provide a model parameter";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "'messages' must contain at least one message";
  const callIds = new Set<string>();
  for (const [i, m] of body.messages.entries()) {
    if (!["system", "developer", "user", "assistant", "tool"].includes(m?.role)) return `Invalid value for 'messages[${i}].role'`;
    if (m.role === "assistant") for (const c of m.tool_calls ?? []) callIds.add(c.id);
    if (m.role === "tool" && !callIds.has(m.tool_call_id)) {
      return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[${i}]).`;
    }
    if (m.role !== "assistant" && m.role !== "tool" && typeof m.content !== "string") return `Invalid type for 'messages[${i}].content'`;
  }
  for (const tool of body.tools ?? []) {
    const f = tool?.function;
    if (tool?.type !== "function" || typeof f?.name !== "string") return "Invalid tool definition";
    if (f.strict) {
      const p = f.parameters;
      const props = Object.keys(p?.properties ?? {});
      if (p?.additionalProperties !== false) return `Invalid schema for function '${f.name}': 'additionalProperties' is required to be supplied and to be false.`;
      if (props.some((k) => !(p.required ?? []).includes(k))) return `Invalid schema for function '${f.name}': 'required' is required to include every key in properties.`;
    }
  }
  return null;
}
