// A county system's calls as a TypeScript developer writes them against the types openapi-typescript generates
// from the platform's document (api.d.ts, made by tests/test_typescript_client.py). Type-checked with tsc: a
// field the platform lets a caller leave out must be optional here, and what it answers must be readable.
import type { components, paths } from "./api";

type Body<P extends keyof paths, M extends "post" | "put"> =
  NonNullable<paths[P][M]> extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
type Answer<P extends keyof paths, M extends "get" | "post" | "put"> =
  NonNullable<paths[P][M]> extends { responses: { 200: { content: { "application/json": infer A } } } } ? A
    : NonNullable<paths[P][M]> extends { responses: { 201: { content: { "application/json": infer A } } } } ? A
    : never;

// Dalarna's agreement: a funding line without conditions (it has a default, so it may be left out).
const agreement: Body<"/funding/agreements", "post"> = {
  id: "rss-dalarna-2023-2026",
  name: "RSS Dalarna 2023-2026",
  registry_number: "DEMO-2023/1",
  first_year: 2023,
  last_year: 2026,
  areas: ["utvecklingsledare"],
  lines: [{
    id: "rss-dalarna-2023", area: "utvecklingsledare", year: 2023, total: "4000000.00",
    allocation_key: "population", requisition_last_date: "2027-06-30", report_due_date: "2028-03-31",
  }],
};

// A requisition, submitted by default; approve and pay without a body.
const requisition: Body<"/funding/requisitions", "post"> = {
  id: "dalarna-2025-1", allocation_id: "rss-2025-dalarna", recipient_id: "rss-dalarna-receiver",
  amount: "1000000.00", signed_by: "demo-signatory-20",
};
const approve: Body<"/funding/requisitions/{requisition_id}/{step}", "post"> | undefined = undefined;

// Falun's answer as a draft: `submit` has a default.
const draft: Body<"/surveys/rounds/{round_id}/responses", "post"> = {
  respondent_id: "2080", answers: { "behov.aldre.angelagenhet": 4, "ovrigt": "Fler utbildningar i Älvdalen" },
};

// What the platform answers is readable with its types.
function describe(answer: Answer<"/funding/requisitions", "post">): string {
  return `${answer.id}: ${answer.status}, ${answer.amount} kr, remaining ${answer.remaining_after}`;
}
function municipality(answer: components["schemas"]["Municipality"]): string {
  return `${answer.name} (${answer.code}) i ${answer.county_name}`;
}

export { agreement, requisition, approve, draft, describe, municipality };
