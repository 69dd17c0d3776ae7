// Reads Kubernetes manifests (multi-document YAML) on stdin and validates every document
// against the Kubernetes schemas (kubernetes-models, and the Prometheus Operator's for
// ServiceMonitor and PodMonitor). Exits 1 naming the first invalid document.
// Run with NODE_PATH pointing at the folder where scripts/install-deploy-tools put them.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const require = createRequire(process.env.NODE_PATH + "/");
const YAML = require("yaml");

async function modelFor(apiVersion, kind) {
    if (apiVersion.startsWith("monitoring.coreos.com/")) {
        // This package is ES modules only, and NODE_PATH does not reach those: import by path.
        const file = `${process.env.NODE_PATH}/@kubernetes-models/prometheus-operator/${apiVersion}/index.js`;
        return (await import(pathToFileURL(file)))[kind];
    }
    const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`; // v1 -> core
    return require(`kubernetes-models/${group.replace("core/", "")}/${kind}`)[kind];
}

const documents = YAML.parseAllDocuments(readFileSync(0, "utf8"))
    .map((d) => d.toJSON())
    .filter((d) => d !== null);
if (documents.length === 0) {
    console.error("no documents to validate");
    process.exit(1);
}
for (const doc of documents) {
    const name = `${doc.kind}/${doc.metadata?.name}`;
    try {
        const Model = await modelFor(doc.apiVersion, doc.kind);
        new Model(doc).validate();
        console.log(`valid: ${doc.apiVersion} ${name}`);
    } catch (error) {
        console.error(`invalid: ${doc.apiVersion} ${name}: ${error.message}`);
        process.exit(1);
    }
}
