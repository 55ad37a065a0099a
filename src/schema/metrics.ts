import { frontMetrics, type FrontMetrics } from "../domain/metrics.js";
import { builder } from "./builder.js";
import { TicketStatusEnum } from "./enums.js";
import { tenantDeps } from "./inputs.js";

const Csat = builder.objectRef<FrontMetrics["csat"]>("CsatMetrics").implement({
  fields: (t) => ({
    responses: t.exposeInt("responses"),
    satisfied: t.exposeInt("satisfied", { description: "Ratings of 4 or 5." }),
    score: t.exposeFloat("score", { nullable: true, description: "Share of 4–5 ratings, in percent." }),
  }),
});
const Nps = builder.objectRef<FrontMetrics["nps"]>("NpsMetrics").implement({
  fields: (t) => ({
    responses: t.exposeInt("responses"),
    promoters: t.exposeInt("promoters"),
    passives: t.exposeInt("passives"),
    detractors: t.exposeInt("detractors"),
    score: t.exposeFloat("score", { nullable: true, description: "Promoters minus detractors, in percent (−100…100)." }),
  }),
});
const Ces = builder.objectRef<FrontMetrics["ces"]>("CesMetrics").implement({
  fields: (t) => ({ responses: t.exposeInt("responses"), average: t.exposeFloat("average", { nullable: true }) }),
});
const Backlog = builder.objectRef<FrontMetrics["backlog"][number]>("BacklogCount").implement({
  fields: (t) => ({ status: t.field({ type: TicketStatusEnum, resolve: (b) => b.status }), count: t.exposeInt("count") }),
});
const Breaches = builder.objectRef<FrontMetrics["slaBreaches"]>("SlaBreaches").implement({
  fields: (t) => ({ firstResponse: t.exposeInt("firstResponse"), resolution: t.exposeInt("resolution") }),
});

const Metrics = builder.objectRef<FrontMetrics>("FrontOfficeMetrics").implement({
  description: "Front-office figures for a time range (backlog is as of now).",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    csat: t.field({ type: Csat, resolve: (m) => m.csat }),
    nps: t.field({ type: Nps, resolve: (m) => m.nps }),
    ces: t.field({ type: Ces, resolve: (m) => m.ces }),
    ticketsOpened: t.exposeInt("ticketsOpened"),
    ticketsResolved: t.exposeInt("ticketsResolved"),
    backlog: t.field({ type: [Backlog], resolve: (m) => m.backlog }),
    medianFirstResponseMinutes: t.exposeFloat("medianFirstResponseMinutes", { nullable: true }),
    medianResolutionMinutes: t.exposeFloat("medianResolutionMinutes", { nullable: true }),
    slaBreaches: t.field({ type: Breaches, resolve: (m) => m.slaBreaches }),
  }),
});

builder.queryField("metrics", (t) =>
  t.field({
    type: Metrics,
    authScopes: { can: "front:read" },
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (_r, { from, to }, ctx) => frontMetrics(tenantDeps(ctx), from, to),
  }),
);
