#!/usr/bin/env node
// Prints what the kubelet would give the FloorPay silo container of a rendered overlay, for running it as a plain
// process (scripts/podnet.sh runs each "pod" in a network namespace of its own):
//
//   kubectl kustomize k8s/overlays/production | node k8s/validate/podenv.mjs --pod-ip 10.77.0.11 --pod-name floorpay-silo-1
//
// Output, one item per line:
//   env NAME=VALUE         the container's environment: envFrom ConfigMaps and rendered Secrets, then env in order, with
//                          the downward API's values and $(VAR) references expanded as the kubelet does
//   external SECRET        a Secret the overlay expects to exist in the cluster (the caller supplies its keys)
//   command ARG...         the container's command and args
//   probe KIND PATH PORT   each HTTP probe (KIND is startup, readiness or liveness; PORT resolved to a number)
//   grace SECONDS          terminationGracePeriodSeconds
//   cpu MILLICORES         the container's CPU limit (the kubelet enforces it as a CFS quota)
//   init NAME ARG...       each init container's command and args (they run before the silo, in order)
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const podIp = option("--pod-ip", "10.77.0.11");
const podName = option("--pod-name", "floorpay-silo-0");

let text = "";
for await (const chunk of process.stdin) text += chunk;
const objects = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata?.name === "floorpay-silo");
if (!deployment) {
  console.error("no Deployment floorpay-silo in the input");
  process.exit(2);
}
const spec = deployment.spec.template.spec;
const container = spec.containers.find((c) => c.name === "silo");
const out = [];

function secretData(secret) {
  const data = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(String(v).replace(/\s/g, ""), "base64").toString("utf8");
  return Object.assign(data, secret.stringData ?? {});
}

function environment(c) {
  const env = {};
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, find("ConfigMap", source.configMapRef.name)?.data ?? {});
    if (source.secretRef) {
      const secret = find("Secret", source.secretRef.name);
      if (secret) Object.assign(env, secretData(secret));
      else out.push(`external ${source.secretRef.name}`);
    }
  }
  const fields = { "status.podIP": podIp, "metadata.name": podName, "metadata.namespace": deployment.metadata.namespace ?? "default" };
  for (const v of c.env ?? []) {
    if (v.value !== undefined) env[v.name] = String(v.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => env[n] ?? m);
    else if (v.valueFrom?.fieldRef) env[v.name] = fields[v.valueFrom.fieldRef.fieldPath] ?? "";
    else if (v.valueFrom?.secretKeyRef) {
      const secret = find("Secret", v.valueFrom.secretKeyRef.name);
      if (secret) env[v.name] = secretData(secret)[v.valueFrom.secretKeyRef.key];
      else out.push(`external ${v.valueFrom.secretKeyRef.name}`);
    }
  }
  return env;
}

const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
for (const [name, value] of Object.entries(environment(container))) if (value !== undefined) out.push(`env ${name}=${value}`);
out.push(`command ${[...(container.command ?? []), ...(container.args ?? [])].join(" ")}`);
for (const kind of ["startup", "readiness", "liveness"]) {
  const probe = container[`${kind}Probe`]?.httpGet;
  if (probe) out.push(`probe ${kind} ${probe.path} ${ports[probe.port] ?? probe.port}`);
}
out.push(`grace ${spec.terminationGracePeriodSeconds ?? 30}`);
const cpu = container.resources?.limits?.cpu;
if (cpu !== undefined) out.push(`cpu ${String(cpu).endsWith("m") ? parseInt(cpu, 10) : Math.round(parseFloat(cpu) * 1000)}`);
for (const init of spec.initContainers ?? []) out.push(`init ${init.name} ${[...(init.command ?? []), ...(init.args ?? [])].join(" ")}`);
console.log([...new Set(out)].join("\n"));
