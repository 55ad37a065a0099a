// GET /metrics: Prometheus text with the process's counters — requests, SQL
// statements (so statements per request can be watched), memory. No tenant data.
import type { Plugin } from "graphql-yoga";
import type { DatabaseStats } from "../db/engine.js";

export function useProcessMetrics(stats: DatabaseStats): Plugin {
  let graphqlRequests = 0;
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname !== "/metrics") return;
      const mem = process.memoryUsage();
      const lines = [
        "# TYPE tandem_graphql_requests_total counter",
        `tandem_graphql_requests_total ${graphqlRequests}`,
        "# TYPE tandem_sql_statements_total counter",
        `tandem_sql_statements_total ${stats.statements}`,
        "# TYPE process_resident_memory_bytes gauge",
        `process_resident_memory_bytes ${mem.rss}`,
        "# TYPE nodejs_heap_used_bytes gauge",
        `nodejs_heap_used_bytes ${mem.heapUsed}`,
      ];
      endResponse(new Response(lines.join("\n") + "\n", { headers: { "content-type": "text/plain; version=0.0.4" } }));
    },
    onResponse({ request }) {
      if (new URL(request.url).pathname === "/graphql") graphqlRequests++;
    },
  };
}
