#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline, without a cluster:
//
//   kubectl kustomize k8s/overlays/dev | node k8s/validate/validate.mjs
//
// Reads a multi-document YAML stream on stdin and checks every object:
//   1. against its JSON schema, with the model classes of the npm packages kubernetes-models (built-in kinds),
//      @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule) and @kubernetes-models/cloudnative-pg
//      (Cluster): types, required fields, enums, formats;
//   2. for fields the schema does not know (the schemas accept unknown properties, so a misspelt `readinesProbe`
//      would pass step 1 and be dropped by the API server): every field is looked up in the same packages' type
//      declarations, through the TypeScript compiler;
//   3. for a valid metadata.name, no two objects with the same kind, namespace and name, PrometheusRule expressions
//      that parse as PromQL (@prometheus-io/lezer-promql), and Grafana dashboard ConfigMaps (label
//      grafana_dashboard) whose files parse as dashboards with PromQL queries.
// Prints one line per object, then exits 0 if all are valid, 1 naming the first invalid object, 2 on unusable input.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import ts from "typescript";
import { parser as promql } from "@prometheus-io/lezer-promql";

// Where each apiVersion's models live, tried in order (the CloudNativePG package also carries monitoring.coreos.com).
const PACKAGES = ["kubernetes-models", "@kubernetes-models/prometheus-operator", "@kubernetes-models/cloudnative-pg"];

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** The model class and its type declaration file for apiVersion/kind, or null when no package has one. */
async function findModel(apiVersion, kind) {
  for (const pkg of PACKAGES) {
    let module;
    let entry;
    try {
      entry = import.meta.resolve(`${pkg}/${apiVersion}`);
      module = await import(entry);
    } catch {
      continue;
    }
    const model = module[kind];
    if (typeof model !== "function") continue;
    const declarations = path.join(path.dirname(fileURLToPath(entry)), `${kind}.d.ts`);
    return { model, pkg, declarations };
  }
  return null;
}

/**
 * A copy of the object as the API server decodes it. Base64 fields (Secret data, ConfigMap binaryData) may be
 * wrapped over several lines, as kustomize writes long ones; Go's base64 decoder ignores the line breaks, the
 * schema's "byte" format does not.
 */
function asDecoded(doc) {
  const copy = structuredClone(doc);
  const field = doc.kind === "Secret" && doc.apiVersion === "v1" ? "data" : doc.kind === "ConfigMap" && doc.apiVersion === "v1" ? "binaryData" : null;
  if (field && copy[field] && typeof copy[field] === "object") {
    for (const [key, value] of Object.entries(copy[field])) if (typeof value === "string") copy[field][key] = value.replace(/[\r\n]/g, "");
  }
  return copy;
}

/** The position of the first PromQL syntax error in expr, or null (the parser behind Prometheus' own web UI). */
function promqlError(expr) {
  if (typeof expr !== "string" || expr.trim() === "") return "empty expression";
  let at = null;
  promql.parse(expr).iterate({
    enter(node) {
      if (at === null && node.type.isError) at = node.from;
    },
  });
  return at === null ? null : `syntax error at character ${at + 1}: ${JSON.stringify(expr.slice(Math.max(0, at - 20), at + 20))}`;
}

function describe(doc) {
  const ns = doc?.metadata?.namespace;
  const name = doc?.metadata?.name ?? "(no name)";
  return `${doc?.apiVersion ?? "(no apiVersion)"} ${doc?.kind ?? "(no kind)"} ${ns ? `${ns}/` : ""}${name}`;
}

/** Unknown-field check: walks the object alongside the TypeScript type of its model (interface I<Kind>). */
function createFieldChecker(declarationFiles) {
  const program = ts.createProgram(declarationFiles, {
    noEmit: true,
    skipLibCheck: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();

  function rootType(declarations, kind) {
    const source = program.getSourceFile(declarations);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) return null;
    let symbol = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `I${kind}`);
    if (!symbol) return null;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return checker.getDeclaredTypeOfSymbol(symbol);
  }

  function propertyType(symbol) {
    return checker.getTypeOfSymbol ? checker.getTypeOfSymbol(symbol) : checker.getTypeOfSymbolAtLocation(symbol, symbol.valueDeclaration);
  }

  function walk(value, type, where, unknown) {
    if (value === null || typeof value !== "object") return;
    type = checker.getNonNullableType(type);
    if (type.flags & ts.TypeFlags.Any && type.intrinsicName === "error") {
      unknown.push(`${where || "(root)"}: its type declaration does not resolve, fields not checked`);
      return;
    }
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    const parts = type.isUnion() ? type.types : [type];
    if (Array.isArray(value)) {
      const element = parts.filter((t) => checker.isArrayType(t)).map((t) => checker.getTypeArguments(t)[0])[0];
      if (element) value.forEach((item, i) => walk(item, element, `${where}[${i}]`, unknown));
      return;
    }
    const objects = parts.filter((t) => t.flags & ts.TypeFlags.Object && !checker.isArrayType(t));
    if (objects.length === 0) return; // a scalar-typed field holding an object: the schema check reports it
    const properties = new Map();
    for (const t of objects) for (const p of checker.getPropertiesOfType(t)) if (!properties.has(p.name)) properties.set(p.name, p);
    const index = objects.map((t) => checker.getIndexTypeOfType(t, ts.IndexKind.String)).find(Boolean);
    for (const [key, child] of Object.entries(value)) {
      const property = properties.get(key);
      const at = where ? `${where}.${key}` : key;
      if (property) walk(child, propertyType(property), at, unknown);
      else if (index) walk(child, index, at, unknown);
      else unknown.push(at);
    }
  }

  return (doc, declarations) => {
    const type = rootType(declarations, doc.kind);
    if (!type) return [`no type declaration I${doc.kind} in ${declarations}`];
    const unknown = [];
    walk(doc, type, "", unknown);
    return unknown.map((field) => (field.includes(": ") ? field : `unknown field ${field}`));
  };
}

async function main() {
  const text = await readStdin();
  const parsed = parseAllDocuments(text);
  const documents = Array.isArray(parsed) ? parsed : [parsed];
  const objects = [];
  for (const [i, document] of documents.entries()) {
    if (document.errors.length > 0) {
      console.error(`document ${i + 1}: not valid YAML: ${document.errors[0].message}`);
      process.exit(2);
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  if (objects.length === 0) {
    console.error("no objects on stdin (did `kubectl kustomize` fail?)");
    process.exit(2);
  }

  const models = await Promise.all(objects.map((o) => (o?.apiVersion && o?.kind ? findModel(o.apiVersion, o.kind) : null)));
  const checkFields = createFieldChecker([...new Set(models.filter(Boolean).map((m) => m.declarations))]);

  const seen = new Set();
  let firstInvalid = null;
  for (const [i, doc] of objects.entries()) {
    const problems = [];
    const found = models[i];
    if (typeof doc !== "object" || Array.isArray(doc)) problems.push("not an object");
    else if (!found) problems.push(`no schema for apiVersion ${doc.apiVersion} kind ${doc.kind} in ${PACKAGES.join(", ")}`);
    else {
      try {
        new found.model(asDecoded(doc)).validate();
      } catch (error) {
        const details = error?.errors?.map((e) => `${e.instancePath || "/"} ${e.message}`) ?? [String(error?.message ?? error)];
        problems.push(...details.map((d) => `schema: ${d}`));
      }
      problems.push(...checkFields(doc, found.declarations));
      // Alert and recording rules: every expression must parse as PromQL.
      if (doc.kind === "PrometheusRule") {
        for (const group of doc.spec?.groups ?? [])
          for (const rule of group.rules ?? []) {
            const error = promqlError(rule.expr);
            if (error) problems.push(`rule ${rule.alert ?? rule.record} in ${group.name}: ${error}`);
          }
      }
      // A Grafana dashboard ConfigMap (grafana_dashboard label): each file must be a dashboard Grafana can load.
      if (doc.kind === "ConfigMap" && doc.metadata?.labels?.grafana_dashboard !== undefined) {
        for (const [file, body] of Object.entries(doc.data ?? {})) {
          try {
            const dashboard = JSON.parse(body);
            if (typeof dashboard.uid !== "string" || typeof dashboard.title !== "string" || !Array.isArray(dashboard.panels))
              problems.push(`dashboard ${file}: needs a uid, a title and panels`);
            for (const panel of dashboard.panels ?? [])
              for (const target of panel.targets ?? []) {
                const error = promqlError(target.expr);
                if (error) problems.push(`dashboard ${file}, panel "${panel.title}": ${error}`);
              }
          } catch (error) {
            problems.push(`dashboard ${file}: not JSON: ${error.message}`);
          }
        }
      }
      const name = doc.metadata?.name;
      if (typeof name !== "string" || !DNS_SUBDOMAIN.test(name)) problems.push(`metadata.name ${JSON.stringify(name)} is not a DNS subdomain name`);
      const key = `${doc.apiVersion.split("/").length > 1 ? doc.apiVersion.split("/")[0] : ""}/${doc.kind}/${doc.metadata?.namespace ?? ""}/${name}`;
      if (seen.has(key)) problems.push("a second object with the same kind, namespace and name");
      seen.add(key);
    }
    if (problems.length === 0) {
      console.log(`ok       ${describe(doc)} (${found.pkg})`);
    } else {
      console.log(`INVALID  ${describe(doc)}`);
      for (const p of problems) console.log(`           ${p}`);
      firstInvalid ??= describe(doc);
    }
  }

  if (firstInvalid) {
    console.error(`invalid: ${firstInvalid} (first of the objects above marked INVALID)`);
    process.exit(1);
  }
  console.log(`${objects.length} objects valid`);
}

await main();
