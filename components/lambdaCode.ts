/**
 * Lambda code, bundled from the TypeScript in `lambda/` while the program runs, so `pulumi up`
 * packages it with no build step of its own. esbuild bundles each entry point with its
 * dependencies (such as `pg`) into one CommonJS file; the AWS SDK v3 is left out because the
 * Node.js Lambda runtimes provide it. The output is deterministic, so an unchanged handler never
 * shows as a diff.
 */

import * as esbuild from "esbuild";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** The Lambda runtime every geoshard function uses. */
export const lambdaRuntime = "nodejs22.x";

const bundles = new Map<string, string>();

/** The bundled source of `lambda/<name>/index.ts`. */
export function bundledSource(name: "failover" | "probe"): string {
    let code = bundles.get(name);
    if (code === undefined) {
        const result = esbuild.buildSync({
            entryPoints: [path.join(__dirname, "..", "lambda", name, "index.ts")],
            bundle: true,
            platform: "node",
            target: "node22",
            format: "cjs",
            external: ["@aws-sdk/*", "pg-native"],
            write: false,
            legalComments: "none",
            logLevel: "silent",
        });
        code = result.outputFiles[0].text;
        bundles.set(name, code);
    }
    return code;
}

/** A Lambda deployment package with the bundle as `index.js` (handler `index.handler`). */
export function lambdaArchive(name: "failover" | "probe"): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset(bundledSource(name)),
    });
}
