// A fake OpenAI-compatible server over real HTTP: /v1/chat/completions answers from
// a script (tool calls or text), and can fail or hang.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptStep =
  | { toolCalls: { name: string; arguments: Record<string, unknown> }[] }
  | { content: string }
  | { fail: number }
  | { hang: true };

export class FakeOpenAI {
  readonly requests: any[] = [];
  private script: ScriptStep[] = [];
  private server: Server | null = null;
  private readonly hanging = new Set<import("node:http").ServerResponse>();
  url = "";

  play(...steps: ScriptStep[]): void {
    this.script.push(...steps);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        if (req.url !== "/v1/chat/completions") {
          res.writeHead(404).end();
          return;
        }
        this.requests.push(JSON.parse(raw));
        const step = this.script.shift() ?? { fail: 500 };
        if ("hang" in step) {
          this.hanging.add(res);
          return;
        }
        if ("fail" in step) {
          res.writeHead(step.fail, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "scripted failure", type: "server_error" } }));
          return;
        }
        const message =
          "content" in step
            ? { role: "assistant", content: step.content }
            : {
                role: "assistant",
                content: null,
                tool_calls: step.toolCalls.map((c, i) => ({ id: `call_${this.requests.length}_${i}`, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
              };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${this.requests.length}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: "test-model",
            choices: [{ index: 0, message, finish_reason: "content" in step ? "stop" : "tool_calls" }],
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
  }
}
